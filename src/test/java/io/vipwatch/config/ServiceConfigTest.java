package io.vipwatch.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vipwatch.testing.ConfigFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The keys only the service uses: listen, audit_log, repairs, holder policies, per-VIP schedules. */
class ServiceConfigTest {
    @TempDir
    Path dir;

    @BeforeEach
    void secrets() throws IOException {
        ConfigFiles.create(dir, "id_ed25519", "pw");
    }

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("vipwatch.yml");
        Files.writeString(file, yaml);
        return file;
    }

    private Config load(String extra, String vipExtra) throws Exception {
        return new ConfigLoader(Map.of()).load(write(ConfigLoaderTest.EXAMPLE.replace("expected_holder: db1 }",
                "expected_holder: db1" + vipExtra + " }") + extra));
    }

    private List<String> errors(String extra, String vipExtra) {
        try {
            load(extra, vipExtra);
        } catch (ConfigException e) {
            String prefix = dir.toAbsolutePath().normalize().toString();
            return e.errors().stream().map(x -> x.toString().replace(prefix, "DIR")).toList();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected the config to be rejected");
    }

    @Test
    void defaultsAreLoopbackAndTheStockBursts() throws Exception {
        Config c = load("", "");
        assertThat(c.service().listenAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(c.service().listenPort()).isEqualTo(9107);
        assertThat(c.service().auditLog()).isEqualTo(Path.of("/var/log/vipwatch/audit.jsonl"));
        assertThat(c.repairs().bursts()).containsExactly(new RepairSettings.Burst(2, Duration.ofMillis(1100)),
                new RepairSettings.Burst(2, Duration.ofSeconds(2)), new RepairSettings.Burst(1, Duration.ZERO));
        assertThat(c.repairs().maxConcurrent()).isEqualTo(4);
        assertThat(c.clusters().get(0).vips().get(0).policy()).isEqualTo(HolderPolicy.of("db1"));
    }

    @Test
    void readsServiceKeys() throws Exception {
        Config c = load("listen: 198.51.100.10:9200\naudit_log: audit/vw.jsonl\nrepairs:\n  dry_run: true\n"
                + "  max_concurrent: 2\n  bursts: [3, 1500ms, 1]\n", ", interval: 250ms, dry_run: true");
        assertThat(c.service().listenPort()).isEqualTo(9200);
        assertThat(c.service().auditLog()).isEqualTo(dir.toAbsolutePath().resolve("audit/vw.jsonl").normalize());
        assertThat(c.repairs().dryRun()).isTrue();
        assertThat(c.repairs().bursts()).containsExactly(new RepairSettings.Burst(3, Duration.ofMillis(1500)),
                new RepairSettings.Burst(1, Duration.ZERO));
        VipConfig vip = c.clusters().get(0).vips().get(0);
        assertThat(vip.interval()).contains(Duration.ofMillis(250));
        assertThat(vip.dryRun()).isTrue();
    }

    @Test
    void holderPoliciesAreHostsOrTheTwoWords() throws Exception {
        assertThat(new ConfigLoader(Map.of()).load(write(ConfigLoaderTest.EXAMPLE.replace("expected_holder: db1",
                "expected_holder: writable"))).clusters().get(0).vips().get(0).policy()).isEqualTo(HolderPolicy.writable());
        assertThat(new ConfigLoader(Map.of()).load(write(ConfigLoaderTest.EXAMPLE.replace(", expected_holder: db1",
                ""))).clusters().get(0).vips().get(0).policy()).isEqualTo(HolderPolicy.any());
    }

    @Test
    void rejectsBurstWaitsInsideTheArpLocktime() {
        assertThat(errors("repairs:\n  bursts: [2, 1s, 1]\n", "")).containsExactly("DIR/vipwatch.yml:23: repairs.bursts: "
                + "wait 1s is shorter than 1100ms: Linux ignores ARP updates of an entry within its ~1 s locktime, "
                + "so that burst could be lost");
        assertThat(errors("repairs:\n  bursts: [2, 2s]\n", "")).singleElement().asString()
                .startsWith("DIR/vipwatch.yml:23: repairs.bursts: expected a list of packet counts");
    }

    @Test
    void rejectsBadListenAndCronAndConflictingSchedules() {
        assertThat(errors("listen: localhost:80\n", "")).containsExactly(
                "DIR/vipwatch.yml:22: listen: expected IPv4-ADDRESS:PORT such as 127.0.0.1:9107, found 'localhost:80'");
        assertThat(errors("", ", cron: 'every second'")).singleElement().asString()
                .startsWith("DIR/vipwatch.yml:21: clusters[0].vips[0].cron: not a Quartz cron expression");
        assertThat(errors("", ", interval: 1s, cron: '0/5 * * * * ?'")).containsExactly(
                "DIR/vipwatch.yml:21: clusters[0].vips[0].cron: set either interval or cron, not both");
    }

    @Test
    void rejectsReservedHostNamesAndAFallbackEqualToTheInterface() throws Exception {
        try {
            new ConfigLoader(Map.of()).load(write(ConfigLoaderTest.EXAMPLE.replace("name: db3", "name: any")
                    .replace("interface: eth0 }\n      - { name: any", "interface: eth0, fallback_interface: eth0 }\n"
                            + "      - { name: any")));
            throw new AssertionError("expected failure");
        } catch (ConfigException e) {
            String prefix = dir.toAbsolutePath().normalize().toString();
            assertThat(e.errors().stream().map(x -> x.toString().replace(prefix, "DIR")).toList()).containsExactly(
                    "DIR/vipwatch.yml:18: clusters[0].hosts[1].fallback_interface: is the same as interface 'eth0'",
                    "DIR/vipwatch.yml:19: clusters[0].hosts[2].name: 'any' is reserved for expected_holder: choose "
                            + "another host name");
        }
    }
}
