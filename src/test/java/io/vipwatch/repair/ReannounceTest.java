package io.vipwatch.repair;

import static io.vipwatch.repair.Harness.results;
import static io.vipwatch.repair.RestoreVipTest.A;
import static io.vipwatch.repair.RestoreVipTest.U;
import static org.assertj.core.api.Assertions.assertThat;

import io.vipwatch.probe.ArpView;
import io.vipwatch.probe.Observed;
import io.vipwatch.remote.CommandResult.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** reannounce (arp-stale): gratuitous ARP from the holder, then only the entries that are positively wrong go. */
class ReannounceTest {
    static final String NEIGH_DEL = "ip neigh del 198.51.100.100 dev eth0";

    @TempDir
    Path dir;

    @Test
    void announcesThenDeletesOnlyWrongEntries() {
        Harness h = new Harness(dir);
        Fixture f = new Fixture().arp("local", Fixture.MAC2, "REACHABLE").arp("app1", Fixture.MAC1, "STALE");
        RepairOutcome o = h.repair("reannounce", f);
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.SUCCEEDED);
        assertThat(h.runner.calls).containsExactly("db1: " + U + "; " + A, "db1: " + U + "; " + A, "db1: " + U,
                "local: " + NEIGH_DEL);
        assertThat(o.steps().get(3).detail()).isEqualTo("deleted local's entry (02:00:00:00:00:0c REACHABLE; holder "
                + "is 02:00:00:00:00:0b)");
    }

    @Test
    void anObserversWrongEntryIsDeletedOverSsh() {
        Harness h = new Harness(dir);
        Fixture f = new Fixture().arp("local", Fixture.MAC1, "REACHABLE").arp("app1", Fixture.MAC2, "PERMANENT");
        RepairOutcome o = h.repair("reannounce", f);
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.SUCCEEDED);
        assertThat(h.runner.calls).endsWith("app1: " + NEIGH_DEL);
        assertThat(h.runner.calls).noneMatch(c -> c.startsWith("local"));
    }

    @Test
    void unknownAndMaclessEntriesAreLeftAlone() {
        Harness h = new Harness(dir);
        Fixture f = new Fixture().arp("app1", "", "INCOMPLETE");
        f.arp.removeIf(v -> v.vantage().equals("local"));
        f.arp.add(new ArpView("local", Observed.timeout("ip neigh: no exit within 3000ms", Duration.ofSeconds(3))));
        RepairOutcome o = h.repair("reannounce", f);
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.SUCCEEDED);
        assertThat(results(o)).contains("flush-stale-entries skipped");
        assertThat(h.runner.calls).noneMatch(c -> c.contains("neigh"));
    }

    @Test
    void anEntryThatVanishedMeanwhileCountsAsDeleted() {
        Harness h = new Harness(dir);
        h.runner.answer("local", "ip neigh del", Outcome.COMPLETED, 2, "",
                "RTNETLINK answers: No such file or directory\n");
        RepairOutcome o = h.repair("reannounce", new Fixture().arp("local", Fixture.MAC2, "STALE"));
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.SUCCEEDED);
    }

    @Test
    void aHostThatDoesNotHoldTheVipCannotAnnounceIt() {
        Harness h = new Harness(dir);
        RepairOutcome o = h.repair("reannounce", new Fixture().holders("db2").arp("local", Fixture.MAC1, "STALE"));
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.REFUSED);
        assertThat(o.detail()).isEqualTo("announce: db1 does not hold the VIP, so it cannot announce it");
        assertThat(h.runner.calls).isEmpty();
    }
}
