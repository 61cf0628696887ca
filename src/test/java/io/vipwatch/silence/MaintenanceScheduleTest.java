package io.vipwatch.silence;

import static org.assertj.core.api.Assertions.assertThat;

import io.vipwatch.config.MaintenanceWindow;
import io.vipwatch.config.Origin;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quartz.CronExpression;

class MaintenanceScheduleTest {
    private static final ZoneId UTC = ZoneOffset.UTC;
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    static MaintenanceWindow window(String cron, ZoneId zone, Duration duration) {
        return new MaintenanceWindow("main", Optional.empty(), cron, zone, duration, "patching",
                new Origin(Path.of("/etc/vipwatch/vipwatch.yml"), 31));
    }

    private static MaintenanceSchedule schedule(String cron, ZoneId zone, Duration duration) {
        return MaintenanceSchedule.of(List.of(window(cron, zone, duration))).get(0);
    }

    private static Instant at(String iso) {
        return Instant.parse(iso);
    }

    @Test
    void activeFromTheFiringInclusiveToFiringPlusDurationExclusive() {
        // 2025-06-01 is a Sunday
        MaintenanceSchedule m = schedule("0 0 2 ? * SUN", UTC, Duration.ofHours(2));
        assertThat(m.activeAt(at("2025-06-01T01:59:59.999Z"))).isEmpty();
        assertThat(m.activeAt(at("2025-06-01T02:00:00Z"))).contains(new ActiveSilence(ActiveSilence.Kind.MAINTENANCE,
                "maintenance:main#0", "main/*", "patching", "config /etc/vipwatch/vipwatch.yml:31",
                at("2025-06-01T02:00:00Z"), at("2025-06-01T04:00:00Z")));
        assertThat(m.activeAt(at("2025-06-01T03:59:59.999Z"))).map(ActiveSilence::since)
                .contains(at("2025-06-01T02:00:00Z"));
        assertThat(m.activeAt(at("2025-06-01T04:00:00Z"))).isEmpty();
        assertThat(m.activeAt(at("2025-06-04T03:00:00Z"))).isEmpty(); // a Wednesday
        assertThat(m.nextStart(at("2025-06-01T02:00:00Z"))).contains(at("2025-06-08T02:00:00Z"));
    }

    @Test
    void aWindowCrossingMidnightCoversTheNextMorning() {
        MaintenanceSchedule m = schedule("0 0 23 * * ?", UTC, Duration.ofHours(3));
        assertThat(m.activeAt(at("2025-06-01T22:59:59Z"))).isEmpty();
        assertThat(m.activeAt(at("2025-06-02T01:30:00Z"))).map(a -> List.of(a.since(), a.until()))
                .contains(List.of(at("2025-06-01T23:00:00Z"), at("2025-06-02T02:00:00Z")));
        assertThat(m.activeAt(at("2025-06-02T02:00:00Z"))).isEmpty();
    }

    @Test
    void theCronIsReadInTheWindowsTimeZone() {
        MaintenanceSchedule m = schedule("0 0 2 ? * SUN", BERLIN, Duration.ofHours(2));
        // summer: 02:00 CEST is 00:00 UTC
        assertThat(m.activeAt(at("2025-06-01T00:30:00Z"))).map(ActiveSilence::since).contains(at("2025-06-01T00:00:00Z"));
        assertThat(m.activeAt(at("2025-06-01T02:30:00Z"))).isEmpty(); // inside only if the cron were read in UTC
        // winter: 02:00 CET is 01:00 UTC
        assertThat(m.activeAt(at("2025-01-05T00:30:00Z"))).isEmpty();
        assertThat(m.activeAt(at("2025-01-05T02:59:59Z"))).map(ActiveSilence::until).contains(at("2025-01-05T03:00:00Z"));
    }

    @Test
    void theDurationIsElapsedTimeAcrossADstChange() {
        // 2025-03-30: Berlin skips from 02:00 CET to 03:00 CEST. 01:00 CET = 00:00 UTC; 2h later is 04:00 CEST.
        MaintenanceSchedule m = schedule("0 0 1 * * ?", BERLIN, Duration.ofHours(2));
        assertThat(m.activeAt(at("2025-03-30T01:59:59Z"))).map(ActiveSilence::until).contains(at("2025-03-30T02:00:00Z"));
        assertThat(m.activeAt(at("2025-03-30T02:00:00Z"))).isEmpty();
        // the day after, 01:00 CEST is 23:00 UTC the evening before
        assertThat(m.activeAt(at("2025-03-30T23:00:00Z"))).map(ActiveSilence::since).contains(at("2025-03-30T23:00:00Z"));
    }

    @Test
    void overlappingOccurrencesJoin() {
        MaintenanceSchedule m = schedule("0 0 * * * ?", UTC, Duration.ofMinutes(90));
        assertThat(m.activeAt(at("2025-06-01T10:15:00Z"))).map(a -> List.of(a.since(), a.until()))
                .contains(List.of(at("2025-06-01T09:00:00Z"), at("2025-06-01T11:30:00Z")));
        assertThat(m.activeAt(at("2025-06-01T10:30:00Z"))).map(a -> List.of(a.since(), a.until()))
                .contains(List.of(at("2025-06-01T10:00:00Z"), at("2025-06-01T11:30:00Z")));
    }

    @Test
    void findsTheLatestFiringQuicklyForAPerSecondCronAndAWeekLongWindow() {
        MaintenanceSchedule m = schedule("* * * * * ?", UTC, Duration.ofDays(7));
        Instant t = at("2025-06-01T10:15:30.250Z");
        assertThat(m.activeAt(t)).map(a -> List.of(a.since(), a.until())).contains(List.of(
                at("2025-05-25T10:15:31Z"), at("2025-06-08T10:15:30Z")));
    }

    @Test
    void agreesWithAFiringByFiringWalkForAnIrregularCron() {
        String cron = "0 0/7 * * * ?"; // minutes 0, 7, ..., 56: gaps of 7 and 4 minutes
        Duration d = Duration.ofMinutes(5);
        MaintenanceSchedule m = schedule(cron, BERLIN, d);
        CronExpression walk = quartz(cron, BERLIN);
        int active = 0;
        for (Instant t = at("2025-06-01T00:00:00Z"); t.isBefore(at("2025-06-01T06:00:00Z")); t = t.plusSeconds(37)) {
            Instant last = null;
            for (Date f = walk.getTimeAfter(Date.from(t.minus(d))); f != null && !f.toInstant().isAfter(t);
                    f = walk.getTimeAfter(f)) {
                last = f.toInstant();
            }
            Optional<ActiveSilence> got = m.activeAt(t);
            if (last == null) {
                assertThat(got).as("at %s", t).isEmpty();
            } else {
                active++;
                assertThat(got).as("at %s", t).map(ActiveSilence::until).contains(last.plus(d));
            }
        }
        assertThat(active).isGreaterThan(100); // the walk did exercise both outcomes
    }

    @Test
    void aCronThatNeverFiresAgainIsNeverActive() {
        MaintenanceSchedule m = schedule("0 0 2 1 1 ? 2020", UTC, Duration.ofHours(2));
        assertThat(m.activeAt(at("2025-06-01T00:00:00Z"))).isEmpty();
        assertThat(m.nextStart(at("2025-06-01T00:00:00Z"))).isEmpty();
    }

    @Test
    void idsNameTheScopeAndThePositionInTheConfig() {
        MaintenanceWindow vip = new MaintenanceWindow("main", Optional.of("rw"), "0 0 2 ? * SUN", UTC,
                Duration.ofHours(1), "r", new Origin(Path.of("x.yml"), 1));
        List<MaintenanceSchedule> all = MaintenanceSchedule.of(List.of(window("0 0 2 ? * SUN", UTC,
                Duration.ofHours(1)), vip));
        assertThat(all).extracting(MaintenanceSchedule::id).containsExactly("maintenance:main#0", "maintenance:main/rw#1");
        assertThat(all.get(1).covers("main", "rw")).isTrue();
        assertThat(all.get(1).covers("main", "ro")).isFalse();
        assertThat(all.get(0).covers("main", "ro")).isTrue();
        assertThat(all.get(0).covers("other", "ro")).isFalse();
    }

    private static CronExpression quartz(String cron, ZoneId zone) {
        try {
            CronExpression c = new CronExpression(cron);
            c.setTimeZone(java.util.TimeZone.getTimeZone(zone));
            return c;
        } catch (java.text.ParseException e) {
            throw new AssertionError(e);
        }
    }
}
