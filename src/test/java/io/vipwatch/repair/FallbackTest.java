package io.vipwatch.repair;

import static io.vipwatch.repair.Harness.results;
import static org.assertj.core.api.Assertions.assertThat;

import io.vipwatch.remote.CommandResult.Outcome;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** use-fallback (holder-link-down): the VIP moves to the holder's fallback interface, added there before removed. */
class FallbackTest {
    static final String LINK_ETH1 = "3: eth1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP\n";

    @TempDir
    Path dir;

    private static Fixture deadLink() {
        Fixture f = new Fixture();
        f.linkDown.add("db1");
        f.l2 = io.vipwatch.probe.Observed.ok(java.util.List.of(), java.time.Duration.ofMillis(1));
        return f;
    }

    @Test
    void addsOnTheFallbackFirstThenRemovesFromTheDeadInterface() {
        Harness h = new Harness(dir);
        h.runner.answer("db1", "ip -o link show dev eth1", Outcome.COMPLETED, 0, LINK_ETH1, "");
        RepairOutcome o = h.repair("use-fallback", deadLink());
        assertThat(o.result()).as(o.detail()).isEqualTo(RepairOutcome.Result.SUCCEEDED);
        assertThat(h.runner.calls).containsSubsequence("db1: ip -o link show dev eth1",
                "db1: ip addr add 198.51.100.100/24 dev eth1", "db1: ip addr del 198.51.100.100/24 dev eth0");
        assertThat(h.runner.calls).anyMatch(c -> c.contains("arping -q -c 1 -U -I eth1"));
        assertThat(results(o)).contains("move-to-fallback ok");
    }

    @Test
    void aHolderWithLinkHasNothingToMove() {
        Harness h = new Harness(dir);
        RepairOutcome o = h.repair("use-fallback", new Fixture());
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.REFUSED);
        assertThat(h.runner.calls).noneMatch(c -> c.contains("ip addr"));
    }

    @Test
    void theExpectedHolderMustHoldTheVip() {
        Harness h = new Harness(dir);
        Fixture f = deadLink().holders("db2");
        f.l2 = io.vipwatch.probe.Observed.ok(java.util.List.of(), java.time.Duration.ofMillis(1));
        RepairOutcome o = h.repair("use-fallback", f);
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.REFUSED);
        assertThat(o.detail()).contains("db1 does not hold the VIP");
        assertThat(h.runner.calls).isEmpty();
    }

    @Test
    void aFailedAddLeavesTheVipWhereItWas() {
        Harness h = new Harness(dir);
        h.runner.answer("db1", "ip -o link show dev eth1", Outcome.COMPLETED, 0, LINK_ETH1, "");
        h.runner.answer("db1", "ip addr add", Outcome.COMPLETED, 2, "", "RTNETLINK answers: Permission denied");
        RepairOutcome o = h.repair("use-fallback", deadLink());
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.FAILED);
        assertThat(h.runner.calls).noneMatch(c -> c.contains("ip addr del"));
    }
}
