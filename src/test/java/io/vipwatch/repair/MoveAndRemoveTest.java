package io.vipwatch.repair;

import static io.vipwatch.repair.Harness.results;
import static io.vipwatch.repair.RestoreVipTest.A;
import static io.vipwatch.repair.RestoreVipTest.ADD;
import static io.vipwatch.repair.RestoreVipTest.GUARD;
import static io.vipwatch.repair.RestoreVipTest.U;
import static org.assertj.core.api.Assertions.assertThat;

import io.vipwatch.probe.Observed;
import io.vipwatch.remote.CommandResult.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** move-vip (vip-misplaced) and remove-duplicates (duplicate-holders): who is touched, and who never is. */
class MoveAndRemoveTest {
    static final String DEL = "ip addr del 198.51.100.100/24 dev eth0";

    @TempDir
    Path dir;

    @Test
    void movesTheVipOffTheWrongHostThenGuardsThenAdds() {
        Harness h = new Harness(dir);
        RepairOutcome o = h.repair("move-vip", new Fixture().holders("db2"));
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.SUCCEEDED);
        // db2's MAC answered in the probe; once db2 let go of the VIP, only arping -D from db1 can tell.
        assertThat(h.runner.calls).containsExactly("db2: " + DEL, "db1: " + GUARD, "db1: " + ADD,
                "db1: " + U + "; " + A, "db1: " + U + "; " + A, "db1: " + U);
        assertThat(results(o)).containsExactly("check-link ok", "remove-extra-holders ok", "guard-no-other-mac ok",
                "add-vip ok", "announce ok", "announce ok", "announce ok", "verify ok");
    }

    @Test
    void aPlanThatWouldStopHalfwayRefusesBeforeRemovingAnything() {
        Harness h = new Harness(dir);
        Fixture f = new Fixture().holders("db2");
        f.unreachable.add("db3");
        RepairOutcome o = h.repair("move-vip", f);
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.REFUSED);
        assertThat(o.detail()).startsWith("add-vip: where the VIP is is unknown");
        assertThat(h.runner.calls).isEmpty();

        Fixture outsider = new Fixture().holders("db2");
        outsider.l2 = Observed.ok(List.of(Fixture.MAC2, Fixture.MAC_OUTSIDE), Duration.ofMillis(1));
        o = h.repair("move-vip", outsider);
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.REFUSED);
        assertThat(o.detail()).isEqualTo("guard-no-other-mac: another MAC answers ARP for the VIP: "
                + Fixture.MAC_OUTSIDE);
        assertThat(h.runner.calls).isEmpty();
    }

    @Test
    void removeDuplicatesNeverTouchesTheExpectedHolderOrAHostThatDidNotAnswer() {
        Harness h = new Harness(dir);
        Fixture f = new Fixture().holders("db1", "db2");
        f.unreachable.add("db3");
        RepairOutcome o = h.repair("remove-duplicates", f);
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.SUCCEEDED);
        assertThat(h.runner.calls).containsExactly("db2: " + DEL, "db1: " + U + "; " + A, "db1: " + U + "; " + A,
                "db1: " + U);
        assertThat(h.runner.calls).noneMatch(c -> c.startsWith("db3") || c.startsWith("db1: ip addr"));
        assertThat(o.steps().get(0).detail()).isEqualTo("removed 198.51.100.100/24 from db2 eth0");
    }

    @Test
    void removeDuplicatesRefusesWhenTheExpectedHolderIsNotAHolder() {
        Harness h = new Harness(dir);
        RepairOutcome o = h.repair("remove-duplicates", new Fixture().holders("db2", "db3"));
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.REFUSED);
        assertThat(o.detail()).isEqualTo("remove-extra-holders: expected holder db1 does not hold the VIP and this "
                + "plan does not add it: removing the other holders would leave it on no host");
        assertThat(h.runner.calls).isEmpty();
    }

    @Test
    void nothingToRemoveIsRecordedAsSkipped() {
        Harness h = new Harness(dir);
        Fixture f = new Fixture().holders("db1");
        f.l2 = Observed.ok(List.of(Fixture.MAC1, Fixture.MAC_OUTSIDE), Duration.ofMillis(1));
        RepairOutcome o = h.repair("remove-duplicates", f);
        assertThat(results(o).get(0)).isEqualTo("remove-extra-holders skipped");
        assertThat(o.steps().get(0).detail()).isEqualTo("no other host holds the VIP");
    }

    @Test
    void aHolderOnlyTheFreshReadSeesIsRemovedToo() {
        // The rule fired on L2 replies from db2, but the location read predated db2's address.
        Harness h = new Harness(dir);
        Fixture f = new Fixture().holders("db1");
        f.l2 = Observed.ok(List.of(Fixture.MAC1, Fixture.MAC2), Duration.ofMillis(1));
        h.relocation = facts -> new Fixture().holders("db1", "db2").build().location();
        RepairOutcome o = h.repair("remove-duplicates", f);
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.SUCCEEDED);
        assertThat(h.runner.calls.get(0)).isEqualTo("db2: " + DEL);
        assertThat(o.steps().get(0).detail()).isEqualTo("removed 198.51.100.100/24 from db2 eth0");
    }

    @Test
    void aFailedRemovalStopsBeforeAnnouncing() {
        Harness h = new Harness(dir);
        h.runner.answer("db2", "ip addr del", Outcome.COMPLETED, 2, "", "Error: ipv4: Address not found.\n");
        RepairOutcome o = h.repair("remove-duplicates", new Fixture().holders("db1", "db2"));
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.FAILED);
        assertThat(o.steps().get(0).output()).isEqualTo("Error: ipv4: Address not found.");
        assertThat(results(o)).containsExactly("remove-extra-holders failed", "announce skipped", "verify skipped");
        assertThat(h.runner.calls).containsExactly("db2: " + DEL);
    }

    @Test
    void aVipAddedByHandWithAnotherPrefixIsRemovedWithThatPrefix() {
        Harness h = new Harness(dir);
        Fixture f = new Fixture().holders("db1", "db2");
        f.prefixes.put("db2", 32);
        RepairOutcome o = h.repair("remove-duplicates", f);
        assertThat(h.runner.calls).first().isEqualTo("db2: ip addr del 198.51.100.100/32 dev eth0");
        assertThat(o.steps().get(0).detail()).isEqualTo("removed 198.51.100.100/32 from db2 eth0");
    }
}
