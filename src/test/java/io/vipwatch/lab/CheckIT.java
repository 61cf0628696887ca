package io.vipwatch.lab;

import static io.vipwatch.lab.Lab.RW;
import static io.vipwatch.lab.Lab.check;
import static io.vipwatch.lab.Lab.fault;
import static io.vipwatch.lab.Lab.problem;
import static io.vipwatch.lab.Lab.problemNames;
import static io.vipwatch.lab.Lab.strings;
import static io.vipwatch.lab.Lab.vip;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code vipwatch check} against the real lab: three hosts with OpenSSH and MariaDB, VIP rw on db1 and ro on db2.
 * Each test injects one fault, checks that exactly the right problems appear with the right facts, and heals.
 */
class CheckIT {
    static final String MAC_DB1 = "02:00:00:00:00:0b";
    static final String MAC_DB2 = "02:00:00:00:00:0c";

    @BeforeAll
    static void baseline() {
        Lab.heal();
    }

    @AfterEach
    void heal() {
        Lab.heal();
    }

    @Test
    void healthyLabHasNoProblems() {
        Lab.Run r = check(Lab.CONFIG);
        JsonNode report = r.json();
        assertThat(r.exit()).as(r.stdout()).isZero();
        assertThat(report.get("healthy").asBoolean()).isTrue();
        JsonNode rw = vip(report, "rw");
        assertThat(rw.get("address").asText()).isEqualTo(RW);
        assertThat(strings(rw.get("holders"))).containsExactly("db1");
        assertThat(strings(rw.get("unreachable_hosts"))).isEmpty();
        assertThat(rw.get("ping").get("ok").asBoolean()).isTrue();
        assertThat(rw.get("ping").get("rtt_ms").asDouble()).isPositive();
        assertThat(rw.get("arp").get("holder_mac").asText()).isEqualTo(MAC_DB1);
        assertThat(rw.get("arp").get("mac").asText()).isEqualTo(MAC_DB1);
        assertThat(rw.get("arp").get("ok").asBoolean()).isTrue();
        assertThat(strings(rw.get("l2_macs"))).containsExactly(MAC_DB1);
        assertThat(rw.get("sql").get("ok").asBoolean()).isTrue();
        assertThat(rw.get("sql").get("server").asText()).isEqualTo("db1");
        assertThat(rw.get("sql").get("error").isNull()).isTrue();
        assertThat(problemNames(rw)).isEmpty();
        JsonNode ro = vip(report, "ro");
        assertThat(strings(ro.get("holders"))).containsExactly("db2");
        assertThat(ro.get("sql").get("server").asText()).isEqualTo("db2");
        assertThat(strings(ro.get("l2_macs"))).containsExactly(MAC_DB2);
    }

    @Test
    void deletedVipIsMissing() {
        fault("vip-del", "db1", RW);
        Lab.Run r = check(Lab.CONFIG);
        assertThat(r.exit()).isEqualTo(1);
        JsonNode rw = vip(r.json(), "rw");
        assertThat(problemNames(rw)).containsExactly("vip-missing");
        assertThat(strings(rw.get("holders"))).isEmpty();
        assertThat(strings(rw.get("l2_macs"))).isEmpty();
        assertThat(problemNames(vip(r.json(), "ro"))).isEmpty();
    }

    @Test
    void vipOnASecondHostIsSplitBrainSeenOverSshAndOnTheWire() {
        fault("vip-add", "db2", RW);
        JsonNode rw = vip(check(Lab.CONFIG).json(), "rw");
        assertThat(problemNames(rw)).contains("duplicate-holders").doesNotContain("vip-missing", "vip-misplaced");
        assertThat(strings(problem(rw, "duplicate-holders").get("hosts"))).containsExactly("db1", "db2");
        assertThat(strings(rw.get("holders"))).containsExactly("db1", "db2");
        assertThat(strings(rw.get("l2_macs"))).containsExactlyInAnyOrder(MAC_DB1, MAC_DB2);
    }

    @Test
    void wrongArpEntryOnTheWatchdogIsStale() {
        fault("arp-wrong", RW, "02:00:00:00:00:99");
        JsonNode rw = vip(check(Lab.CONFIG).json(), "rw");
        assertThat(problemNames(rw)).contains("arp-stale")
                .doesNotContain("vip-missing", "duplicate-holders", "vip-misplaced", "host-unreachable");
        assertThat(rw.get("arp").get("mac").asText()).isEqualTo("02:00:00:00:00:99");
        assertThat(rw.get("arp").get("holder_mac").asText()).isEqualTo(MAC_DB1);
        assertThat(rw.get("arp").get("ok").asBoolean()).isFalse();
        assertThat(strings(rw.get("holders"))).containsExactly("db1");
    }

    @Test
    void stoppedMariadbFailsSqlButTheVipIsNotMissing() {
        fault("mysql-stop", "db1");
        JsonNode rw = vip(check(Lab.CONFIG).json(), "rw");
        assertThat(problemNames(rw)).containsExactly("sql-failed");
        assertThat(strings(rw.get("holders"))).containsExactly("db1");
        assertThat(rw.get("ping").get("ok").asBoolean()).isTrue();
        assertThat(rw.get("sql").get("ok").asBoolean()).isFalse();
        assertThat(rw.get("sql").get("error").asText()).isNotBlank();
    }

    @Test
    void stoppedSshdMakesItsHostUnreachableAndTheVipIsStillLocated() {
        fault("sshd-stop", "db2");
        JsonNode report = check(Lab.CONFIG).json();
        JsonNode rw = vip(report, "rw");
        assertThat(problemNames(rw)).containsExactly("host-unreachable");
        assertThat(strings(problem(rw, "host-unreachable").get("hosts"))).containsExactly("db2");
        assertThat(strings(rw.get("holders"))).containsExactly("db1");
        assertThat(strings(rw.get("unreachable_hosts"))).containsExactly("db2");
        // ro lives on db2: its location is unknown, which must not read as "missing".
        JsonNode ro = vip(report, "ro");
        assertThat(problemNames(ro)).containsExactly("host-unreachable");
        assertThat(ro.get("sql").get("server").asText()).isEqualTo("db2");
    }

    @Test
    void pulledCableIsInterfaceDownNotMissing() {
        fault("link-down", "db1");
        JsonNode rw = vip(check(Lab.CONFIG).json(), "rw");
        assertThat(problemNames(rw)).contains("interface-down").doesNotContain("vip-missing", "host-unreachable");
        assertThat(strings(problem(rw, "interface-down").get("hosts"))).containsExactly("db1");
        assertThat(strings(rw.get("holders"))).containsExactly("db1");
        assertThat(rw.get("ping").get("ok").asBoolean()).isFalse();
    }

    @Test
    void blackholedSshCostsOnlyTheConnectTimeoutAndSparesTheOtherHosts() {
        fault("ssh-blackhole", "db3");
        Lab.Run r = check(Lab.CONFIG);
        JsonNode report = r.json();
        JsonNode rw = vip(report, "rw");
        assertThat(strings(rw.get("unreachable_hosts"))).containsExactly("db3");
        assertThat(rw.get("host_details").get("db3").asText()).contains("timed out after 2000ms");
        assertThat(strings(rw.get("holders"))).containsExactly("db1");
        assertThat(problemNames(rw)).containsExactly("host-unreachable");
        assertThat(problemNames(vip(report, "ro"))).containsExactly("host-unreachable");
        // The bound, not a speed goal: the lab's connect_timeout is 2 s and every host is probed in parallel.
        assertThat(report.get("elapsed_ms").asLong()).isLessThan(2000 + 1500);
    }
}
