package io.vipwatch.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.vipwatch.alert.AlertEvent.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertBookTest {
    private static final Instant T0 = Instant.parse("2026-11-25T03:00:00Z");
    private static final Function<String, List<String>> MAIL_AND_HOOK = rule -> List.of("mail", "hook");
    private static final Function<String, Duration> REPEAT = channel -> channel.equals("hook")
            ? Duration.ofMinutes(1) : Duration.ofHours(4);

    private final AlertBook book = AlertBook.inMemory();

    private List<AlertEvent> cycle(AlertBook b, Map<String, Instant> active, Set<String> cleared, boolean silenced,
                                   Instant now) {
        return b.update(new AlertBook.Cycle("main", "rw", active, cleared, silenced), MAIL_AND_HOOK, REPEAT, now);
    }

    private static List<String> summary(List<AlertEvent> events) {
        return events.stream().map(e -> e.kind() + " " + e.rule() + " " + e.channel()).toList();
    }

    @Test
    void announcesOnceThenRemindsPerChannelIntervalThenResolves() {
        Map<String, Instant> missing = Map.of("vip-missing", T0);
        assertThat(summary(cycle(book, missing, Set.of(), false, T0)))
                .containsExactly("FIRING vip-missing mail", "FIRING vip-missing hook");
        assertThat(cycle(book, missing, Set.of(), false, T0.plusSeconds(30))).isEmpty();
        assertThat(summary(cycle(book, missing, Set.of(), false, T0.plusSeconds(60))))
                .containsExactly("REPEAT vip-missing hook");
        List<AlertEvent> over = cycle(book, Map.of(), Set.of("vip-missing"), false, T0.plusSeconds(90));
        assertThat(summary(over)).containsExactlyInAnyOrder("RESOLVED vip-missing mail", "RESOLVED vip-missing hook");
        assertThat(over).allSatisfy(e -> {
            assertThat(e.since()).isEqualTo(T0);
            assertThat(e.at()).isEqualTo(T0.plusSeconds(90));
        });
        assertThat(cycle(book, Map.of(), Set.of("vip-missing"), false, T0.plusSeconds(91))).isEmpty();
        assertThat(book.active("main", "rw")).isEmpty();
    }

    @Test
    void anUndecidedRuleNeitherResolvesNorRepeatsTheAnnouncement() {
        cycle(book, Map.of("vip-missing", T0), Set.of(), false, T0);
        // not active, but not seen clear either (an SSH timeout, say)
        assertThat(cycle(book, Map.of(), Set.of(), false, T0.plusSeconds(5))).isEmpty();
        assertThat(book.active("main", "rw")).containsKey("vip-missing");
    }

    @Test
    void aSilenceHoldsBackAnnouncementsAndRemindersButNotTheAllClearOfWhatWasAnnounced() {
        cycle(book, Map.of("arp-stale", T0), Set.of(), false, T0);
        assertThat(cycle(book, Map.of("arp-stale", T0, "vip-missing", T0.plusSeconds(10)), Set.of(), true,
                T0.plusSeconds(120))).as("no reminder, no new announcement while silenced").isEmpty();
        // vip-missing fired and resolves within the silence: nobody was told, so nobody gets an all-clear
        assertThat(summary(cycle(book, Map.of(), Set.of("arp-stale", "vip-missing"), true, T0.plusSeconds(130))))
                .containsExactlyInAnyOrder("RESOLVED arp-stale mail", "RESOLVED arp-stale hook");
    }

    @Test
    void anAlertStillActiveWhenTheSilenceEndsIsAnnouncedThen() {
        cycle(book, Map.of("vip-missing", T0), Set.of(), true, T0);
        assertThat(summary(cycle(book, Map.of("vip-missing", T0), Set.of(), false, T0.plusSeconds(60))))
                .containsExactly("FIRING vip-missing mail", "FIRING vip-missing hook");
    }

    @Test
    void aRestartedBookRemembersWhatWasAnnouncedAndSendsTheAllClear(@TempDir Path dir) {
        Path file = dir.resolve("alerts.json");
        AlertBook first = AlertBook.open(file, Set.of("main/rw"));
        cycle(first, Map.of("vip-missing", T0), Set.of(), false, T0);
        assertThat(file).exists();

        AlertBook second = AlertBook.open(file, Set.of("main/rw"));
        assertThat(second.active("main", "rw")).containsEntry("vip-missing", T0);
        assertThat(cycle(second, Map.of("vip-missing", T0.plusSeconds(20)), Set.of(), false, T0.plusSeconds(20)))
                .as("already announced before the restart").isEmpty();
        assertThat(summary(cycle(second, Map.of(), Set.of("vip-missing"), false, T0.plusSeconds(30))))
                .containsExactlyInAnyOrder("RESOLVED vip-missing mail", "RESOLVED vip-missing hook");
        assertThat(AlertBook.open(file, Set.of("main/rw")).active("main", "rw")).isEmpty();
    }

    @Test
    void forgetsVipsNoLongerConfiguredAndSurvivesAGarbledFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("alerts.json");
        cycle(AlertBook.open(file, Set.of("main/rw")), Map.of("vip-missing", T0), Set.of(), false, T0);
        assertThat(AlertBook.open(file, Set.of("main/ro")).active("main", "rw")).isEmpty();

        Files.writeString(file, "{\"vips\": {\"main/rw\": {\"vip-missing\": {\"since\": \"yesterday\"");
        AlertBook garbled = AlertBook.open(file, Set.of("main/rw"));
        assertThat(garbled.active("main", "rw")).isEmpty();
        assertThat(summary(cycle(garbled, Map.of("vip-missing", T0), Set.of(), false, T0))).hasSize(2);
    }
}
