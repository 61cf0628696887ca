package io.vipwatch.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vipwatch.testing.ConfigFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaintenanceSectionTest {
    /** The loader test's example with a second VIP; it has 22 lines, so {@code maintenance:} is line 23. */
    private static final String BASE = ConfigLoaderTest.EXAMPLE + "      - { name: ro, address: 198.51.100.101/24 }\n";

    @TempDir
    Path dir;

    @BeforeEach
    void secrets() throws IOException {
        ConfigFiles.create(dir, "id_ed25519", "pw");
    }

    private Config load(String maintenance) throws Exception {
        Path file = dir.resolve("vipwatch.yml");
        Files.writeString(file, BASE + maintenance);
        return new ConfigLoader(Map.of()).load(file);
    }

    private List<String> errors(String maintenance) {
        try {
            load(maintenance);
        } catch (ConfigException e) {
            String prefix = dir.toAbsolutePath().normalize().toString();
            return e.errors().stream().map(x -> x.toString().replace(prefix, "DIR")).toList();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected the config to be rejected:\n" + maintenance);
    }

    @Test
    void readsWindowsWithAndWithoutVipAndZone() throws Exception {
        Config c = load("""
                maintenance:
                  - cluster: lab
                    vip: rw
                    cron: "0 0 2 ? * SUN"
                    duration: 2h
                    reason: weekly OS patching
                    time_zone: Europe/Berlin
                  - { cluster: lab, cron: "0 30 3 1 * ?", duration: 45m, reason: monthly backup test }
                """);
        Path file = dir.resolve("vipwatch.yml").toAbsolutePath().normalize();
        assertThat(c.maintenance()).containsExactly(
                new MaintenanceWindow("lab", Optional.of("rw"), "0 0 2 ? * SUN", ZoneId.of("Europe/Berlin"),
                        Duration.ofHours(2), "weekly OS patching", new Origin(file, 24)),
                new MaintenanceWindow("lab", Optional.empty(), "0 30 3 1 * ?", ZoneId.systemDefault(),
                        Duration.ofMinutes(45), "monthly backup test", new Origin(file, 30)));
        assertThat(c.maintenance().get(1).scope()).isEqualTo("lab/*");
    }

    @Test
    void noSectionMeansNoWindows() throws Exception {
        assertThat(load("").maintenance()).isEmpty();
    }

    @Test
    void namesTheClusterAndVipThatDoNotExist() {
        assertThat(errors("maintenance:\n  - { cluster: main, cron: '0 0 2 * * ?', duration: 1h, reason: r }\n"
                + "  - { cluster: lab, vip: rx, cron: '0 0 2 * * ?', duration: 1h, reason: r }\n")).containsExactly(
                "DIR/vipwatch.yml:24: maintenance[0].cluster: names no configured cluster (clusters: lab), found 'main'",
                "DIR/vipwatch.yml:25: maintenance[1].vip: names no VIP of cluster 'lab' (VIPs: rw, ro; leave vip out "
                        + "to cover them all), found 'rx'");
    }

    @Test
    void reportsBadCronWithQuartzsReason() {
        assertThat(errors("maintenance:\n  - cluster: lab\n    cron: '0 0 25 * * ?'\n    duration: 1h\n    reason: r\n"))
                .containsExactly("DIR/vipwatch.yml:25: maintenance[0].cron: not a Quartz cron expression (seconds "
                        + "minutes hours day-of-month month day-of-week [year], e.g. '0 0 2 ? * SUN'): Hour values "
                        + "must be between 0 and 23: '0 0 25 * * ?'");
        assertThat(errors("maintenance:\n  - { cluster: lab, cron: '0 2 * * *', duration: 1h, reason: r }\n"))
                .singleElement().asString().startsWith("DIR/vipwatch.yml:24: maintenance[0].cron: not a Quartz cron "
                        + "expression");
    }

    @Test
    void boundsTheDurationAndRequiresIt() {
        assertThat(errors("maintenance:\n  - { cluster: lab, cron: '0 0 2 * * ?', duration: 30s, reason: r }\n"
                + "  - { cluster: lab, cron: '0 0 2 ? * SUN', duration: 169h, reason: r }\n"
                + "  - { cluster: lab, cron: '0 0 2 * * ?', duration: 2 hours, reason: r }\n"
                + "  - { cluster: lab, cron: '0 0 2 * * ?', reason: r }\n")).containsExactly(
                "DIR/vipwatch.yml:24: maintenance[0].duration: expected a duration from 1m to 168h, found 30s",
                "DIR/vipwatch.yml:25: maintenance[1].duration: expected a duration from 1m to 168h, found 169h",
                "DIR/vipwatch.yml:26: maintenance[2].duration: expected a duration such as 500ms, 2s or 1m, found "
                        + "'2 hours'",
                "DIR/vipwatch.yml:27: maintenance[3].duration: required key is missing");
    }

    @Test
    void refusesAWindowThatWouldNeverClose() {
        assertThat(errors("maintenance:\n  - { cluster: lab, cron: '0 0 * * * ?', duration: 1h, reason: r }\n"))
                .containsExactly("DIR/vipwatch.yml:24: maintenance[0].duration: 1h reaches the next firing of the "
                        + "cron every time (they are at most 1h apart): the window would never close and its VIPs "
                        + "would never be repaired");
    }

    @Test
    void allowsAnOccasionalOverlap() throws Exception {
        // 02:00 and 03:00 on Sundays, 90 minutes each: one 02:00-04:30 stretch a week, not an endless one
        assertThat(load("maintenance:\n  - { cluster: lab, cron: '0 0 2,3 ? * SUN', duration: 90m, reason: r }\n")
                .maintenance()).hasSize(1);
    }

    @Test
    void requiresReasonAndRejectsUnknownKeysAndBadZones() {
        assertThat(errors("maintenance:\n  - cluster: lab\n    cron: '0 0 2 * * ?'\n    duration: 1h\n"
                + "    time_zone: Mars/Olympus\n    reasn: typo\n")).containsExactly(
                "DIR/vipwatch.yml:28: maintenance[0].reasn: unknown key (expected one of cluster, cron, duration, "
                        + "reason, time_zone, vip)",
                "DIR/vipwatch.yml:27: maintenance[0].time_zone: expected a time zone ID such as Europe/Berlin or "
                        + "UTC, found 'Mars/Olympus'",
                "DIR/vipwatch.yml:24: maintenance[0].reason: required key is missing");
    }

    @Test
    void theSectionMustBeAList() {
        assertThat(errors("maintenance:\n  cluster: lab\n")).containsExactly(
                "DIR/vipwatch.yml:24: maintenance: expected a list, found a mapping");
    }
}
