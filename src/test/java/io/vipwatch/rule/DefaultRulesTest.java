package io.vipwatch.rule;

import static org.assertj.core.api.Assertions.assertThat;

import io.vipwatch.probe.NeighbourEntry;
import io.vipwatch.probe.Observed;
import io.vipwatch.probe.PingReply;
import io.vipwatch.probe.SqlReply;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bundled rules against hand-made facts: each fault its own problem names, and unknown never reads as absent. */
class DefaultRulesTest {
    private static final Duration MS = Duration.ofMillis(1);
    private static RuleSet rules;

    @BeforeAll
    static void load() throws Exception {
        rules = new RuleLoader().loadBundled();
    }

    private static List<String> problems(Facts f) {
        return rules.evaluate(f.build()).problems().stream().map(Problem::name).toList();
    }

    @Test
    void healthyHasNoProblemsAndDecidesEverything() {
        Evaluation e = rules.evaluate(new Facts().build());
        assertThat(e.problems()).isEmpty();
        assertThat(e.undecided()).isEmpty();
    }

    @Test
    void vipOnNoHost() {
        Facts f = new Facts().holders();
        f.ping = Observed.ok(new PingReply(false, 0, "no reply"), MS);
        f.sql = Observed.ok(new SqlReply(false, null, null, 1000, "connect timed out", true, ""), MS);
        f.l2 = Observed.ok(List.of(), MS);
        assertThat(problems(f)).containsExactly("vip-missing");
    }

    @Test
    void anUnreachableHostIsNeverReadAsVipAbsent() {
        Facts f = new Facts().holders();
        f.unreachable.add("db2");
        Evaluation e = rules.evaluate(f.build());
        assertThat(e.problems()).extracting(Problem::name).containsExactly("host-unreachable");
        assertThat(e.problems().get(0).hosts()).containsExactly("db2");
        assertThat(e.undecided()).doesNotContain("host-unreachable");
    }

    @Test
    void noHostAnsweringLeavesLocationRulesUndecided() {
        Facts f = new Facts().holders();
        f.unreachable.addAll(List.of("db1", "db2", "db3"));
        Evaluation e = rules.evaluate(f.build());
        assertThat(e.problems()).extracting(Problem::name).containsExactly("host-unreachable");
        // vip-missing is decided (false: location is incomplete); the rules that need the holder list are not.
        assertThat(e.undecided()).contains("duplicate-holders", "vip-misplaced", "sql-wrong-server")
                .doesNotContain("vip-missing");
    }

    @Test
    void twoHoldersAreSplitBrain() {
        Facts f = new Facts().holders("db1", "db2");
        f.l2 = Observed.ok(List.of(Facts.MAC1, Facts.MAC2), MS);
        Evaluation e = rules.evaluate(f.build());
        assertThat(e.problems()).extracting(Problem::name).containsExactly("duplicate-holders");
        assertThat(e.problems().get(0).hosts()).containsExactly("db1", "db2");
    }

    @Test
    void aSecondMacOnTheWireIsSplitBrainEvenIfNoConfiguredHostHasIt() {
        Facts f = new Facts();
        f.l2 = Observed.ok(List.of(Facts.MAC1, "02:99:99:99:99:99"), MS);
        assertThat(problems(f)).containsExactly("duplicate-holders");
    }

    @Test
    void vipOnTheWrongSingleHost() {
        Facts f = new Facts().holders("db2");
        f.sql = Observed.ok(new SqlReply(true, "db2", "server_id=2", 1, null, false, ""), MS);
        f.arp = Observed.ok(new NeighbourEntry("eth0", Facts.MAC2, "REACHABLE"), MS);
        f.l2 = Observed.ok(List.of(Facts.MAC2), MS);
        assertThat(problems(f)).containsExactly("vip-misplaced");
    }

    @Test
    void anyHolderIsFineWithoutAnExpectedHolder() {
        Facts f = new Facts().holders("db2");
        f.expected = Optional.empty();
        f.sql = Observed.ok(new SqlReply(true, "db2", "server_id=2", 1, null, false, ""), MS);
        f.arp = Observed.ok(new NeighbourEntry("eth0", Facts.MAC2, "STALE"), MS);
        assertThat(rules.evaluate(f.build()).healthy()).isTrue();
    }

    @Test
    void aWrongArpEntry() {
        Facts f = new Facts();
        f.arp = Observed.ok(new NeighbourEntry("eth0", "02:00:00:00:00:99", "REACHABLE"), MS);
        f.ping = Observed.ok(new PingReply(false, 0, "no reply"), MS);
        assertThat(problems(f)).containsExactly("arp-stale", "ping-failed");
    }

    @Test
    void anArpEntryNotReadYetLeavesArpStaleUndecided() {
        Facts f = new Facts();
        f.arp = Observed.pending(MS);
        Evaluation e = rules.evaluate(f.build());
        assertThat(e.undecided()).contains("arp-stale");
        assertThat(e.problems()).isEmpty();
    }

    @Test
    void anIncompleteArpEntryIsNotStale() {
        Facts f = new Facts();
        f.arp = Observed.ok(new NeighbourEntry("eth0", "", "INCOMPLETE"), MS);
        assertThat(problems(f)).isEmpty();
    }

    @Test
    void sqlDownBehindAReachableVip() {
        Facts f = new Facts();
        f.sql = Observed.ok(new SqlReply(false, null, null, 2, "Connection refused", false, ""), MS);
        assertThat(problems(f)).containsExactly("sql-failed");
    }

    @Test
    void sqlAnsweredByAnotherServer() {
        Facts f = new Facts();
        f.sql = Observed.ok(new SqlReply(true, "db3", "server_id=3", 1, null, false, ""), MS);
        assertThat(problems(f)).containsExactly("sql-wrong-server");
        f.sql = Observed.ok(new SqlReply(true, "", "server_id=42", 1, null, false, "foreign"), MS);
        assertThat(problems(f)).containsExactly("sql-wrong-server");
    }

    @Test
    void interfaceDown() {
        Facts f = new Facts();
        f.linkDown.add("db1");
        f.ping = Observed.ok(new PingReply(false, 0, "no reply"), MS);
        assertThat(problems(f)).containsExactly("interface-down", "holder-link-down", "ping-failed");
        f.linkDown.set(0, "db3"); // another host's cable: worth an alert, nothing to move
        f.ping = Observed.ok(new PingReply(true, 0.1, ""), MS);
        assertThat(problems(f)).containsExactly("interface-down");
    }

    @Test
    void unknownPingIsUndecidedNotFailed() {
        Facts f = new Facts();
        f.ping = Observed.timeout("ping did not exit", MS);
        Evaluation e = rules.evaluate(f.build());
        assertThat(e.problems()).isEmpty();
        assertThat(e.undecided()).containsExactly("ping-failed");
    }

    @Test
    void writablePolicyFollowsTheSingleMaster() {
        Facts f = new Facts().holders("db2");
        f.expected = Optional.empty();
        f.policy = io.vipwatch.config.HolderPolicy.writable();
        f.roles = new io.vipwatch.probe.Roles(List.of("db2"), true);
        f.sql = Observed.ok(new SqlReply(true, "db2", "server_id=2", 1, null, false, ""), MS);
        f.arp = Observed.ok(new NeighbourEntry("eth0", Facts.MAC2, "REACHABLE"), MS);
        f.l2 = Observed.ok(List.of(Facts.MAC2), MS);
        assertThat(problems(f)).isEmpty();
        f.roles = new io.vipwatch.probe.Roles(List.of("db1"), true);
        assertThat(problems(f)).containsExactly("vip-misplaced");
    }

    @Test
    void writablePolicyWithoutASingleMasterIsAmbiguousAndDecidesNoPlacement() {
        Facts f = new Facts();
        f.expected = Optional.empty();
        f.policy = io.vipwatch.config.HolderPolicy.writable();
        f.roles = new io.vipwatch.probe.Roles(List.of("db1", "db2"), true);
        Evaluation e = rules.evaluate(f.build());
        assertThat(e.problems()).extracting(Problem::name).containsExactly("master-ambiguous");
        assertThat(e.undecided()).contains("vip-misplaced");
        f.roles = new io.vipwatch.probe.Roles(List.of(), false);
        assertThat(rules.evaluate(f.build()).undecided()).contains("master-ambiguous", "vip-misplaced");
    }
}
