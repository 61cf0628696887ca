package io.vipwatch.repair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vipwatch.config.Config;
import io.vipwatch.config.ConfigLoader;
import io.vipwatch.config.VipConfig;
import io.vipwatch.testing.ConfigFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a failover manager's words map onto the config: hosts, cluster and the VIPs that move. */
public class HandoverRequestTest {
    /** Two clusters; main has a writable VIP, a static one and one for any holder. Also used by MhaCommandTest. */
    public static final String CONFIG = """
            ssh:
              identity_file: id_ed25519
              known_hosts: known_hosts
            mysql:
              user: monitor
              password_file: mysql.pw
            clusters:
              - name: main
                hosts:
                  - { name: db1, address: 198.51.100.141, interface: eth0 }
                  - { name: db2, address: 198.51.100.142, interface: eth0 }
                vips:
                  - { name: rw, address: 198.51.100.100/25, expected_holder: writable }
                  - { name: ro, address: 198.51.100.101/25, expected_holder: db2 }
                  - { name: any, address: 198.51.100.102/25 }
              - name: reports
                hosts:
                  - { name: r1, address: 198.51.100.151, interface: eth0 }
                  - { name: db1x, address: 198.51.100.152, interface: eth0 }
                vips:
                  - { name: rw, address: 198.51.100.120/25, expected_holder: r1 }
            """;

    @TempDir
    Path dir;
    private Config config;

    @BeforeEach
    void load() throws Exception {
        ConfigFiles.create(dir, "id_ed25519", "pw");
        Path file = dir.resolve("vipwatch.yml");
        Files.writeString(file, CONFIG);
        config = new ConfigLoader(Map.of()).load(file);
    }

    private static HandoverRequest request(String command, List<String> old, List<String> neu, List<String> vips) {
        return new HandoverRequest(command, old, neu, false, vips, Duration.ofSeconds(5), false);
    }

    @Test
    void hostsAreMatchedByAddressFirstThenByNameAndBlanksAreIgnored() {
        HandoverRequest.Resolved r = request("start", java.util.Arrays.asList(null, "", "198.51.100.142", "db1"),
                List.of("r1", "198.51.100.141"), List.of()).resolve(config);
        assertThat(r.oldMaster().name()).isEqualTo("db2");
        assertThat(r.newMaster()).get().extracting(h -> h.name()).isEqualTo("db1");
        assertThat(request("stop", List.of("10.0.0.1", "r1"), List.of(), List.of("rw")).resolve(config).cluster().name())
                .isEqualTo("reports");
    }

    @Test
    void theVipsThatFollowTheMasterAreTheWritableOnesOrTheOnesNamed() {
        assertThat(request("stop", List.of("db1"), List.of(), List.of()).resolve(config).vips())
                .extracting(VipConfig::name).containsExactly("rw");
        assertThat(request("stop", List.of("db2"), List.of(), List.of()).resolve(config).vips())
                .as("ro's static holder is db2: it stays unless named").extracting(VipConfig::name)
                .containsExactly("rw");
        assertThat(request("stop", List.of("db2"), List.of(), List.of("ro", "rw")).resolve(config).vips())
                .extracting(VipConfig::name).containsExactly("rw", "ro");
        assertThat(request("stop", List.of("db1"), List.of(), List.of("any")).resolve(config).vips())
                .extracting(VipConfig::name).containsExactly("any");
    }

    @Test
    void whatCannotBeMappedIsSaidInOneLine() {
        assertThatThrownBy(() -> request("start", List.of("db1"), List.of("r1"), List.of()).resolve(config))
                .hasMessage("the new master (r1) is no host of cluster 'main' in " + config.source());
        assertThatThrownBy(() -> request("stop", List.of("db9"), List.of(), List.of()).resolve(config))
                .hasMessage("the old master (db9) is no host of " + config.source());
        assertThatThrownBy(() -> request("stop", List.of("db1x"), List.of(), List.of()).resolve(config))
                .hasMessageStartingWith("no VIP of cluster 'reports' follows the master: give the VIPs MHA moves "
                        + "expected_holder: writable");
        assertThatThrownBy(() -> request("stop", List.of("db1"), List.of(), List.of("nosuch")).resolve(config))
                .hasMessage("cluster 'main' has no VIP named nosuch");
        assertThatThrownBy(() -> request("restart", List.of("db1"), List.of(), List.of()).resolve(config))
                .hasMessageContaining("not 'restart'");
    }

    @Test
    void onlyAFailoversStopCarriesOnWhenTimeRunsOut() {
        assertThat(request("stopssh", List.of("db1"), List.of(), List.of()).onTimeout())
                .isEqualTo(Handover.Verdict.WARNING);
        assertThat(new HandoverRequest("stop", List.of("db1"), List.of(), true, List.of(), Duration.ofSeconds(1),
                false).onTimeout()).isEqualTo(Handover.Verdict.ABORT);
        assertThat(request("start", List.of("db1"), List.of(), List.of()).onTimeout())
                .isEqualTo(Handover.Verdict.ABORT);
    }
}
