package io.vipwatch.silence;

import static org.assertj.core.api.Assertions.assertThat;

import io.vipwatch.config.MaintenanceWindow;
import io.vipwatch.testing.FakeClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Suspensions}: the service's one question, answered from silences and maintenance windows together. */
class SilencesAndMaintenanceTest {
    private static final Instant SUNDAY_0130 = Instant.parse("2025-06-01T01:30:00Z");

    @TempDir
    Path dir;

    private final FakeClock clock = new FakeClock(SUNDAY_0130);

    @Test
    void aSilenceSuspendsOnlyItsVipsAndEndsOnTime() throws Exception {
        SilenceStore store = new SilenceStore(dir, clock);
        Suspensions suspensions = new Suspensions(store, List.of(), clock);
        assertThat(suspensions.match("main", "rw")).isEmpty();

        Silence s = store.add("main", Optional.of("rw"), Duration.ofMinutes(30), "MHA switch", "alice");
        assertThat(suspensions.match("main", "rw")).contains(new ActiveSilence(ActiveSilence.Kind.SILENCE, s.id(),
                "main/rw", "MHA switch", "alice", SUNDAY_0130, SUNDAY_0130.plus(Duration.ofMinutes(30))));
        assertThat(suspensions.match("main", "ro")).isEmpty();
        assertThat(suspensions.match("other", "rw")).isEmpty();

        clock.advance(Duration.ofMinutes(30).minusMillis(1));
        assertThat(suspensions.match("main", "rw")).isPresent();
        clock.advance(Duration.ofMillis(1));
        assertThat(suspensions.match("main", "rw")).isEmpty();
    }

    @Test
    void anExpiredSilenceNoLongerSuspends() throws Exception {
        SilenceStore store = new SilenceStore(dir, clock);
        Suspensions suspensions = new Suspensions(store, List.of(), clock);
        Silence s = store.add("main", Optional.empty(), Duration.ofHours(2), "r", "alice");
        assertThat(suspensions.match("main", "ro")).isPresent();
        store.expire(s.id());
        assertThat(suspensions.match("main", "ro")).isEmpty();
    }

    @Test
    void aMaintenanceWindowSuspendsItsClusterWhileItIsOpen() {
        MaintenanceWindow w = MaintenanceScheduleTest.window("0 0 1 ? * SUN", ZoneOffset.UTC, Duration.ofHours(1));
        Suspensions suspensions = new Suspensions(new SilenceStore(dir.resolve("none"), clock), List.of(w), clock);
        assertThat(suspensions.match("main", "ro")).map(ActiveSilence::id).contains("maintenance:main#0");
        assertThat(suspensions.match("other", "ro")).isEmpty();
        clock.advance(Duration.ofMinutes(30));
        assertThat(suspensions.match("main", "ro")).isEmpty();
    }

    @Test
    void theLongestSuspensionIsReportedAndASilenceWinsATie() throws Exception {
        MaintenanceWindow w = MaintenanceScheduleTest.window("0 0 1 ? * SUN", ZoneOffset.UTC, Duration.ofHours(1));
        SilenceStore store = new SilenceStore(dir, clock);
        Suspensions suspensions = new Suspensions(store, List.of(w), clock);
        Silence shorter = store.add("main", Optional.of("rw"), Duration.ofMinutes(10), "short", "alice");
        assertThat(suspensions.match("main", "rw")).map(ActiveSilence::id).contains("maintenance:main#0");
        Silence tie = store.add("main", Optional.of("rw"), Duration.ofMinutes(30), "as long", "bob");
        assertThat(suspensions.match("main", "rw")).map(ActiveSilence::id).contains(tie.id());
        Silence longer = store.add("main", Optional.empty(), Duration.ofHours(4), "long", "carol");
        assertThat(suspensions.match("main", "rw")).map(ActiveSilence::id).contains(longer.id());
        assertThat(suspensions.active(clock.instant())).extracting(ActiveSilence::id)
                .containsExactlyInAnyOrder(shorter.id(), tie.id(), longer.id(), "maintenance:main#0");
    }
}
