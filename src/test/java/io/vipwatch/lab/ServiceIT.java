package io.vipwatch.lab;

import static io.vipwatch.lab.Lab.RO;
import static io.vipwatch.lab.Lab.RW;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code vipwatch run} against the lab: each fault is injected while the service runs (1 s interval) and the test
 * waits, with a deadline, for the repair to show on the hosts themselves, in the audit log and in the status API.
 * rw has expected holder db1 (static); ro has policy {@code any}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServiceIT {
    private static final Duration REPAIR_DEADLINE = Duration.ofSeconds(20);
    private static Service service;

    @BeforeAll
    static void start() throws Exception {
        Lab.heal();
        // Polling only: these tests watch each fault being seen by a cycle; with event streams (EventStreamIT) a
        // repair can finish before a fault's own second half (say, its gratuitous ARP) has run.
        service = Service.start("service", 9171, java.util.Map.of("expected_holder: db2 }", "expected_holder: any }",
                "  interval: 1s\n", "  interval: 1s\n  event_streams: false\n"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) {
            int exit = service.stop();
            assertThat(exit).as("exit code after SIGTERM\n%s", service.logTail()).isZero();
        }
    }

    @AfterEach
    void heal() {
        Lab.heal();
        service.await("both VIPs healthy again", REPAIR_DEADLINE, s -> healthy(s.status()));
    }

    /** Both VIPs without problems and no repair still sending its bursts (they would blur the next test). */
    private static boolean healthy(JsonNode status) {
        for (JsonNode v : status.get("vips")) {
            if (v.get("active_problems").size() > 0 || v.get("repair_in_flight").asBoolean()) {
                return false;
            }
        }
        return status.get("vips").size() == 2;
    }

    private static List<JsonNode> auditFor(String vip, String plan) {
        return service.audit().stream().filter(a -> a.get("vip").asText().equals(vip)
                && a.get("plan").asText().equals(plan)).toList();
    }

    @Test
    @Order(1)
    void aDeletedVipIsAddedBackOnItsHolder() {
        long before = verified("restore-vip");
        Lab.fault("vip-del", "db1", RW);
        service.await("rw back on db1", REPAIR_DEADLINE, s -> Lab.addresses("db1", "eth0").contains(RW + "/25"));
        service.await("restore-vip verified", REPAIR_DEADLINE, s -> verified("restore-vip") > before);
        List<JsonNode> steps = auditFor("rw", "restore-vip");
        assertThat(steps).anySatisfy(a -> {
            assertThat(a.get("step").asText()).isEqualTo("add-vip");
            assertThat(a.get("host").asText()).isEqualTo("db1");
            assertThat(a.get("command").asText()).contains("ip addr add " + RW + "/25 dev eth0");
            assertThat(a.get("exit_code").asInt()).isZero();
            assertThat(a.get("result").asText()).isEqualTo("ok");
        });
        assertThat(Lab.holds("db2", RW) || Lab.holds("db3", RW)).isFalse();
        service.await("status shows the repair", REPAIR_DEADLINE, s -> {
            JsonNode last = s.vip("rw").get("last_repair");
            return last != null && !last.isNull() && last.get("plan").asText().equals("restore-vip")
                    && last.get("result").asText().equals("succeeded");
        });
    }

    @Test
    @Order(2)
    void aSecondHolderIsRemovedAndTheFirstKeepsIt() {
        Lab.fault("vip-add", "db2", RW);
        service.await("duplicate-holders in status", REPAIR_DEADLINE,
                s -> s.vip("rw").get("events").findValuesAsText("rule").contains("duplicate-holders"));
        service.await("rw gone from db2", REPAIR_DEADLINE, s -> !Lab.holds("db2", RW));
        assertThat(Lab.holds("db1", RW)).isTrue();
        // The repair is over (its audit complete) once its verify passed. db2's gratuitous ARP may also have moved
        // the watchdog's own entry to db2's MAC: then a reannounce follows, and the status shows that repair last.
        service.await("remove-duplicates verified and duplicate-holders gone", REPAIR_DEADLINE,
                s -> verified("remove-duplicates") >= 1 && !hasProblem(s.vip("rw"), "duplicate-holders"));
        service.await("watchdog maps rw to db1's MAC", REPAIR_DEADLINE,
                s -> Lab.watchdogNeighbour(RW).contains(CheckIT.MAC_DB1));
        assertThat(auditFor("rw", "remove-duplicates")).anySatisfy(a -> {
            assertThat(a.get("step").asText()).isEqualTo("remove-extra-holders");
            assertThat(a.get("host").asText()).isEqualTo("db2");
        }).noneSatisfy(a -> {
            assertThat(a.get("step").asText()).isEqualTo("remove-extra-holders");
            assertThat(a.get("host").asText()).isEqualTo("db1");
        });
    }

    @Test
    @Order(3)
    void aWrongArpEntryIsCorrectedByTheBursts() {
        // The ARP replies our own probes draw also correct a wrong entry; if the fault lands between a cycle's
        // neighbour read and its arping, it is gone before anyone saw it. Inject again then (bounded).
        for (int i = 0; i < 3 && !reannounced(); i++) {
            Lab.fault("arp-wrong", RW, "02:00:00:00:00:99");
            try {
                service.await("reannounce audited", Duration.ofSeconds(8), s -> reannounced());
            } catch (AssertionError notYet) {
                assertThat(Lab.watchdogNeighbour(RW)).doesNotContain("02:00:00:00:00:99");
            }
        }
        assertThat(reannounced()).as("a reannounce from db1 in the audit log").isTrue();
        service.await("watchdog maps rw to db1's MAC", REPAIR_DEADLINE,
                s -> Lab.watchdogNeighbour(RW).contains(CheckIT.MAC_DB1));
        awaitRepairInStatus("reannounce", "arp-stale");
    }

    /** Audit lines of rw written after the first {@code skip} lines of the log. */
    private static List<JsonNode> rwAuditAfter(int skip) {
        return service.repairsStartedAfter(skip).stream().filter(a -> a.get("vip").asText().equals("rw")).toList();
    }

    private static boolean reannounced() {
        return auditFor("rw", "reannounce").stream()
                .anyMatch(a -> a.get("step").asText().equals("announce") && a.get("host").asText().equals("db1"));
    }

    @Test
    @Order(4)
    void stoppedMariadbRaisesTheProblemAndRunsNoCommand() {
        int before = service.audit().size();
        Lab.fault("mysql-stop", "db1");
        service.await("sql-failed active", REPAIR_DEADLINE, s -> hasProblem(s.vip("rw"), "sql-failed"));
        long cycles = service.vip("rw").get("cycles").asLong();
        service.await("two more cycles of rw", REPAIR_DEADLINE, s -> s.vip("rw").get("cycles").asLong() >= cycles + 2);
        assertThat(rwAuditAfter(before)).isEmpty();
        assertThat(Lab.holds("db1", RW)).isTrue();
    }

    @Test
    @Order(5)
    void policyAnyLeavesADeliberateMoveAlone() throws Exception {
        Lab.fault("vip-del", "db2", RO);
        Lab.fault("vip-add", "db3", RO);
        long cycles = service.vip("ro").get("cycles").asLong();
        service.await("three more cycles of ro", REPAIR_DEADLINE, s -> s.vip("ro").get("cycles").asLong() >= cycles + 3);
        JsonNode ro = service.vip("ro");
        assertThat(Lab.strings(ro.get("holders"))).containsExactly("db3");
        assertThat(ro.get("active_problems")).isEmpty();
        // Nothing moved it back or anywhere else. (A re-announce from db3 is fine: the watchdog's own ARP entry may
        // have ignored the move's single gratuitous ARP, inside the kernel's 1 s locktime.)
        assertThat(service.audit()).noneSatisfy(a -> {
            assertThat(a.get("vip").asText()).isEqualTo("ro");
            assertThat(a.get("step").asText()).isIn("add-vip", "remove-extra-holders", "move-to-fallback");
        });
    }

    @Test
    @Order(6)
    void noCommandRunsOnAHostWhoseStateIsUnknown() {
        int before = service.audit().size();
        Lab.fault("sshd-stop", "db1", "--sessions");
        service.await("db1 unreachable in status", REPAIR_DEADLINE,
                s -> Lab.strings(s.vip("rw").get("unreachable_hosts")).contains("db1"));
        long cycles = service.vip("rw").get("cycles").asLong();
        service.await("three more cycles of rw", REPAIR_DEADLINE, s -> s.vip("rw").get("cycles").asLong() >= cycles + 3);
        assertThat(rwAuditAfter(before)).isEmpty();
        List<JsonNode> all = service.audit();
        assertThat(all.subList(Math.min(before, all.size()), all.size()))
                .allSatisfy(a -> assertThat(a.get("exit_code").isNull()).as("a command ran: %s", a).isTrue());
        assertThat(Lab.holds("db2", RW) || Lab.holds("db3", RW)).isFalse();
    }

    @Test
    @Order(7)
    void aPulledCableMovesTheVipToTheFallbackInterface() {
        Lab.fault("link-down", "db1");
        // move-to-fallback adds the VIP on eth2 first and then deletes it from eth0: wait for both.
        service.await("rw on db1 eth2 and no longer on eth0", REPAIR_DEADLINE,
                s -> Lab.addresses("db1", "eth2").contains(RW + "/25")
                        && !Lab.addresses("db1", "eth0").contains(RW + "/25"));
        assertThat(Lab.holds("db2", RW) || Lab.holds("db3", RW)).isFalse();
        awaitRepairInStatus("use-fallback", "holder-link-down");
    }

    @Test
    @Order(8)
    void aFaultThatKeepsComingBackExhaustsTheRepairs() {
        // vip-missing allows 3 repairs per 10 minutes; the first test used one of them already.
        boolean exhausted = false;
        for (int i = 1; i <= 4 && !exhausted; i++) {
            long want = verified("restore-vip") + 1;
            Lab.fault("vip-del", "db1", RW);
            service.await("repair " + i + " verified, or repair-exhausted", REPAIR_DEADLINE,
                    s -> hasProblem(s.vip("rw"), "repair-exhausted")
                            || verified("restore-vip") >= want && !s.vip("rw").get("repair_in_flight").asBoolean());
            exhausted = hasProblem(service.vip("rw"), "repair-exhausted");
        }
        assertThat(exhausted).as("repair-exhausted after re-injections").isTrue();
        assertThat(attempts("restore-vip")).isEqualTo(3);
        assertThat(Lab.holds("db1", RW)).isFalse();
        JsonNode rule = null;
        for (JsonNode r : service.vip("rw").get("rules")) {
            if (r.get("rule").asText().equals("vip-missing")) {
                rule = r;
            }
        }
        assertThat(rule).isNotNull();
        assertThat(rule.get("exhausted").asBoolean()).isTrue();
    }

    /** Repairs of rw with this plan that were started (each starts with its first step's audit line). */
    private static long attempts(String plan) {
        return auditFor("rw", plan).stream().filter(a -> a.get("step").asText().equals("check-link")).count();
    }

    /** Waits until the status API shows rw's last repair as this plan, succeeded, and the problem gone. */
    private static void awaitRepairInStatus(String plan, String problem) {
        service.await("status shows " + plan + " succeeded and " + problem + " gone", REPAIR_DEADLINE, s -> {
            JsonNode rw = s.vip("rw");
            JsonNode last = rw.get("last_repair");
            return last != null && !last.isNull() && last.get("plan").asText().equals(plan)
                    && last.get("result").asText().equals("succeeded") && !hasProblem(rw, problem);
        });
    }

    /** Repairs of rw with this plan that ran to a successful verify: the repair is over. */
    private static long verified(String plan) {
        return auditFor("rw", plan).stream().filter(a -> a.get("step").asText().equals("verify")
                && a.get("result").asText().equals("ok")).count();
    }

    private static boolean hasProblem(JsonNode vip, String name) {
        for (JsonNode p : vip.get("active_problems")) {
            if (p.get("name").asText().equals(name)) {
                return true;
            }
        }
        return false;
    }

    @Test
    @Order(9)
    void anInvalidReloadKeepsTheServiceRunning() throws Exception {
        var config = Lab.DIR.resolve("service.yml");
        String good = Files.readString(config);
        Files.writeString(config, good.replace("interface: eth0", "interface: 'eth0;reboot'"));
        service.await("reload refused", REPAIR_DEADLINE, s -> s.status().get("reloads").get("failed").asInt() >= 1);
        assertThat(service.healthy()).isTrue();
        Files.writeString(config, good);
        service.await("reload accepted", REPAIR_DEADLINE, s -> s.status().get("reloads").get("ok").asInt() >= 1);
        int ok = service.status().get("reloads").get("ok").asInt();
        Lab.Run hup = Lab.run(List.of("kill", "-HUP", Long.toString(service.process.pid())), Duration.ofSeconds(5));
        assertThat(hup.exit()).isZero();
        service.await("reload on SIGHUP", REPAIR_DEADLINE, s -> s.status().get("reloads").get("ok").asInt() > ok);
        assertThat(service.healthy()).isTrue();
    }
}
