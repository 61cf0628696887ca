package io.vipwatch.repair;

import static io.vipwatch.repair.Harness.results;
import static org.assertj.core.api.Assertions.assertThat;

import io.vipwatch.probe.Observed;
import io.vipwatch.remote.CommandResult.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** restore-vip (vip-missing): the link check, the guard, add-vip, and every reason to refuse. */
class RestoreVipTest {
    static final String GUARD = "timeout -s INT 0.15 arping -D -c 2 -w 1 -I eth0 198.51.100.100";
    static final String ADD = "ip addr add 198.51.100.100/24 dev eth0";
    static final String U = "timeout -s INT 0.2 arping -q -c 1 -U -I eth0 198.51.100.100; echo vipwatch-rc=$?";
    static final String A = "timeout -s INT 0.2 arping -q -c 1 -A -I eth0 198.51.100.100; echo vipwatch-rc=$?";

    @TempDir
    Path dir;

    @Test
    void restoresAMissingVipOnTheExpectedHolder() {
        Harness h = new Harness(dir);
        RepairOutcome o = h.repair("restore-vip", new Fixture().missing());
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.SUCCEEDED);
        assertThat(h.runner.calls).containsExactly("db1: " + GUARD, "db1: " + ADD, "db1: " + U + "; " + A,
                "db1: " + U + "; " + A, "db1: " + U);
        assertThat(results(o)).containsExactly("check-link ok", "guard-no-other-mac ok", "add-vip ok", "announce ok",
                "announce ok", "announce ok", "verify ok");
        assertThat(h.time.sleeps).containsExactly(Duration.ofMillis(1100), Duration.ofSeconds(2));
        assertThat(h.reprobes).hasSize(1);
        assertThat(o.steps().get(2).detail()).isEqualTo("added 198.51.100.100/24 on db1 eth0");
        assertThat(o.elapsed()).isEqualTo(Duration.ofMillis(3100));
    }

    @Test
    void aHostThatDidNotAnswerMightHoldTheVipSoNothingIsAdded() {
        Harness h = new Harness(dir);
        Fixture f = new Fixture().missing();
        f.unreachable.add("db3");
        RepairOutcome o = h.repair("restore-vip", f);
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.REFUSED);
        assertThat(o.detail()).isEqualTo("add-vip: where the VIP is is unknown, so it is not added: "
                + "db3: SSH to db3 timed out after 2000ms");
        assertThat(h.runner.calls).isEmpty();
        assertThat(results(o)).containsExactly("check-link skipped", "guard-no-other-mac skipped", "add-vip refused",
                "announce skipped", "verify skipped");
    }

    @Test
    void unknownOrNonEmptyL2EvidenceRefuses() {
        Harness h = new Harness(dir);
        Fixture unknown = new Fixture().missing();
        unknown.l2 = Observed.timeout("arping: no exit within 800ms", Duration.ofMillis(800));
        RepairOutcome o = h.repair("restore-vip", unknown);
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.REFUSED);
        assertThat(o.detail()).isEqualTo("guard-no-other-mac: whether another MAC answers ARP for the VIP is unknown "
                + "(timeout: arping: no exit within 800ms)");

        Fixture outsider = new Fixture().missing();
        outsider.l2 = Observed.ok(List.of(Fixture.MAC_OUTSIDE), Duration.ofMillis(1));
        o = h.repair("restore-vip", outsider);
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.REFUSED);
        assertThat(o.detail()).isEqualTo("guard-no-other-mac: another MAC answers ARP for the VIP: "
                + Fixture.MAC_OUTSIDE);
        assertThat(h.runner.calls).isEmpty();
    }

    @Test
    void aReplyToArpingDFromTheTargetRefusesBeforeAdding() {
        Harness h = new Harness(dir);
        h.runner.answer("db1", "arping -D", Outcome.COMPLETED, 1,
                "ARPING 198.51.100.100 from 0.0.0.0 eth0\nUnicast reply from 198.51.100.100 [02:00:00:00:00:99]  "
                        + "0.543ms\nSent 1 probes (1 broadcast(s))\nReceived 1 response(s)\n", "");
        RepairOutcome o = h.repair("restore-vip", new Fixture().missing());
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.REFUSED);
        assertThat(o.detail()).isEqualTo("guard-no-other-mac: another MAC answers for the VIP (arping -D from db1 "
                + "eth0): 02:00:00:00:00:99");
        assertThat(h.runner.calls).containsExactly("db1: " + GUARD);
        assertThat(o.steps().get(1).command()).isEqualTo(GUARD);
        assertThat(o.steps().get(1).exitCode()).isEqualTo(1);
        assertThat(o.steps().get(1).output()).contains("Unicast reply from");
    }

    @Test
    void aGuardThatCouldNotRunRefuses() {
        Harness h = new Harness(dir);
        h.runner.answer("db1", "arping -D", Outcome.ERROR, -1, "", "");
        RepairOutcome o = h.repair("restore-vip", new Fixture().missing());
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.REFUSED);
        assertThat(o.detail()).startsWith("guard-no-other-mac: cannot tell whether another MAC answers");
        assertThat(h.runner.calls).containsExactly("db1: " + GUARD);
    }

    @Test
    void aGuardWhoseRequestNeverLeftRefuses() {
        Harness h = new Harness(dir);
        // timeout(1) cut arping short before it printed "Sent 1 probes": its silence proves nothing.
        h.runner.answer("db1", "arping -D", Outcome.COMPLETED, 124, "ARPING 198.51.100.100 from 0.0.0.0 eth0\n", "");
        RepairOutcome o = h.repair("restore-vip", new Fixture().missing());
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.REFUSED);
        assertThat(o.detail()).isEqualTo("guard-no-other-mac: cannot tell whether another MAC answers for the VIP: "
                + "arping -D from db1 eth0 sent no request within 150ms");
        assertThat(h.runner.calls).containsExactly("db1: " + GUARD);
    }

    @Test
    void anL2ViewStillPendingLeavesTheDecisionToArpingDFromTheTarget() {
        Harness h = new Harness(dir);
        Fixture early = new Fixture().missing();
        early.l2 = Observed.pending(Duration.ofMillis(40));
        RepairOutcome o = h.repair("restore-vip", early);
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.SUCCEEDED);
        assertThat(h.runner.calls).startsWith("db1: " + GUARD, "db1: " + ADD);

        h = new Harness(dir);
        h.runner.answer("db1", "arping -D", Outcome.COMPLETED, 1,
                "Unicast reply from 198.51.100.100 [02:00:00:00:00:99]  0.5ms\nSent 1 probes (1 broadcast(s))\n", "");
        o = h.repair("restore-vip", early);
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.REFUSED);
        assertThat(h.runner.calls).containsExactly("db1: " + GUARD);
    }

    @Test
    void withoutAnExpectedHolderEveryPlanOnlyAlerts() {
        Harness h = new Harness(dir);
        for (String plan : List.of("restore-vip", "move-vip", "remove-duplicates", "reannounce")) {
            RepairOutcome o = h.repair(plan, new Fixture().holders("db2").build(), Optional.empty(), false);
            assertThat(o.result()).as(plan).isEqualTo(RepairOutcome.Result.REFUSED);
            assertThat(o.detail()).as(plan).endsWith(": no expected holder: alert only");
        }
        assertThat(h.runner.calls).isEmpty();
    }

    @Test
    void aDeadLinkWithoutFallbackRefuses() {
        Harness h = new Harness(dir);
        Fixture f = new Fixture().missing();
        f.linkDown.add("db3");
        RepairOutcome o = h.repair("restore-vip", f.build(), Optional.of("db3"), false);
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.REFUSED);
        assertThat(o.detail()).isEqualTo("check-link: db3: interface eth0 is up but has no carrier (NO-CARRIER), "
                + "and it has no fallback_interface");
        assertThat(h.runner.calls).isEmpty();
    }

    @Test
    void aDeadLinkWithALiveFallbackMovesEveryLaterStepToTheFallback() {
        Harness h = new Harness(dir);
        Fixture f = new Fixture().missing();
        f.linkDown.add("db1");
        RepairOutcome o = h.repair("restore-vip", f);
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.SUCCEEDED);
        assertThat(h.runner.calls).containsExactly("db1: ip -o link show dev eth1",
                "db1: " + GUARD.replace("eth0", "eth1"), "db1: " + ADD.replace("eth0", "eth1"),
                "db1: " + (U + "; " + A).replace("eth0", "eth1"), "db1: " + (U + "; " + A).replace("eth0", "eth1"),
                "db1: " + U.replace("eth0", "eth1"));
        assertThat(o.steps().get(0).detail()).isEqualTo("interface eth0 is up but has no carrier (NO-CARRIER); "
                + "using fallback eth1, which has link");
    }

    @Test
    void aFallbackWithoutLinkRefuses() {
        Harness h = new Harness(dir);
        h.runner.answer("db1", "link show dev eth1", Outcome.COMPLETED, 0,
                "4: eth1: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 state DOWN\n", "");
        Fixture f = new Fixture().missing();
        f.linkDown.add("db1");
        RepairOutcome o = h.repair("restore-vip", f);
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.REFUSED);
        assertThat(o.detail()).endsWith("and fallback eth1 has none either");
        assertThat(h.runner.calls).containsExactly("db1: ip -o link show dev eth1");
    }

    @Test
    void aFailedCommandStopsTheRepair() {
        Harness h = new Harness(dir);
        h.runner.answer("db1", "ip addr add", Outcome.COMPLETED, 2, "", "RTNETLINK answers: File exists\n");
        RepairOutcome o = h.repair("restore-vip", new Fixture().missing());
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.FAILED);
        assertThat(o.detail()).startsWith("add-vip: could not add 198.51.100.100/24 on db1 eth0: db1: `" + ADD
                + "` completed exit=2");
        assertThat(results(o)).containsExactly("check-link ok", "guard-no-other-mac ok", "add-vip failed",
                "announce skipped", "verify skipped");
        assertThat(h.runner.calls).containsExactly("db1: " + GUARD, "db1: " + ADD);
        assertThat(h.reprobes).isEmpty();
    }

    @Test
    void aTimedOutCommandFailsAndEveryCommandIsBoundedByTheStepTimeout() {
        Harness h = new Harness(dir);
        h.runner.answer("db1", "ip addr add", Outcome.TIMEOUT, -1, "", "");
        RepairOutcome o = h.repair("restore-vip", new Fixture().missing());
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.FAILED);
        assertThat(o.detail()).contains("timeout");
        assertThat(h.runner.timeouts).allSatisfy(t -> assertThat(t).isLessThanOrEqualTo(Duration.ofSeconds(5)));
    }

    @Test
    void theLinkOfAHostTheProbeCouldNotReachIsAskedAfresh() {
        RepairPlan linkOnly = new RepairPlan("link-only", List.of("check-link", "verify"), "test");
        Fixture f = new Fixture().missing();
        f.unreachable.add("db1");
        Harness h = new Harness(dir);
        assertThat(h.repair(linkOnly, f.build(), Optional.of("db1"), false).result())
                .isEqualTo(RepairOutcome.Result.SUCCEEDED);
        assertThat(h.runner.calls).containsExactly("db1: ip -o link show dev eth0");

        Harness unknown = new Harness(dir);
        unknown.runner.answer("db1", "link show", Outcome.ERROR, -1, "", "");
        RepairOutcome o = unknown.repair(linkOnly, f.build(), Optional.of("db1"), false);
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.REFUSED);
        assertThat(o.detail()).isEqualTo("check-link: cannot tell whether eth0 on db1 has link (scripted ERROR)");
    }
}
