package io.vipwatch.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ARP seen from an observer host over SSH (db3 standing in for an application server on the VIP's subnet). */
class ObserverIT {
    private static final String OBSERVER_NS = System.getenv().getOrDefault("VIPWATCH_LAB_PREFIX", "vw") + "-db3";
    private static Path config;

    @BeforeAll
    static void configWithObserver() throws Exception {
        Lab.heal();
        config = Lab.configVariant("observer.yml", "    vips:\n",
                "    observers:\n      - { name: app1, address: 198.51.100.143, interface: eth0 }\n    vips:\n");
    }

    @AfterEach
    void forgetTheWrongEntry() {
        Lab.run(List.of("ip", "-n", OBSERVER_NS, "neigh", "flush", "to", Lab.RW), Duration.ofSeconds(10));
        Lab.heal();
    }

    @Test
    void theObserversViewIsReported() {
        JsonNode rw = Lab.vip(Lab.check(config).json(), "rw");
        assertThat(rw.get("arp").get("vantage").asText()).isEqualTo("app1");
        assertThat(rw.get("arp").get("status").asText()).isEqualTo("ok");
        assertThat(Lab.strings(rw.get("l2_macs"))).containsExactly(CheckIT.MAC_DB1);
        assertThat(Lab.problemNames(rw)).isEmpty();
    }

    @Test
    void aWrongEntryOnTheObserverIsStale() {
        Lab.Run set = Lab.run(List.of("ip", "-n", OBSERVER_NS, "neigh", "replace", Lab.RW, "lladdr",
                "02:00:00:00:00:99", "dev", "eth0", "nud", "reachable"), Duration.ofSeconds(10));
        assertThat(set.exit()).as(set.stderr()).isZero();
        JsonNode rw = Lab.vip(Lab.check(config).json(), "rw");
        assertThat(Lab.problemNames(rw)).containsExactly("arp-stale");
        assertThat(Lab.strings(Lab.problem(rw, "arp-stale").get("hosts"))).containsExactly("app1");
        assertThat(rw.get("arp").get("mac").asText()).isEqualTo("02:00:00:00:00:99");
    }
}
