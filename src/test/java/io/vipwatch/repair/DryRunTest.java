package io.vipwatch.repair;

import static io.vipwatch.repair.Harness.results;
import static io.vipwatch.repair.MoveAndRemoveTest.DEL;
import static io.vipwatch.repair.RestoreVipTest.A;
import static io.vipwatch.repair.RestoreVipTest.ADD;
import static io.vipwatch.repair.RestoreVipTest.GUARD;
import static io.vipwatch.repair.RestoreVipTest.U;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dry runs: every step planned and audited with its exact command; nothing runs, nothing waits. */
class DryRunTest {
    @TempDir
    Path dir;

    @Test
    void aDryRunExecutesNothingAndAuditsEveryStepWithItsCommand() throws Exception {
        Harness h = new Harness(dir);
        RepairOutcome o = h.repair("restore-vip", new Fixture().missing().build(), Optional.of("db1"), true);
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.DRY_RUN);
        assertThat(h.runner.calls).isEmpty();
        assertThat(h.time.sleeps).isEmpty();
        assertThat(h.reprobes).isEmpty();
        assertThat(results(o)).containsExactly("check-link dry-run", "guard-no-other-mac dry-run", "add-vip dry-run",
                "announce dry-run", "announce dry-run", "announce dry-run", "verify skipped");
        assertThat(o.steps()).extracting(StepRecord::command).containsExactly("", GUARD, ADD, U + "; " + A,
                U + "; " + A, U, "");
        assertThat(o.steps().get(2).detail()).isEqualTo("would add 198.51.100.100/24 on db1 eth0");
        assertThat(o.steps().get(3).detail()).isEqualTo("would send burst 1/3: 2 gratuitous ARP [-U, -A] from db1 "
                + "eth0, then wait 1100ms");
        assertThat(h.auditLines()).hasSize(7).allSatisfy(l -> assertThat(l.get("dry_run").asBoolean()).isTrue());
        assertThat(h.auditLines()).extracting(l -> l.get("command").asText()).containsExactlyElementsOf(
                o.steps().stream().map(StepRecord::command).toList());
    }

    @Test
    void repairsDryRunInTheConfigWinsOverTheRequest() {
        Harness h = new Harness(dir);
        h.settings = Fixture.repairs(true);
        RepairOutcome o = h.repair("remove-duplicates", new Fixture().holders("db1", "db2"));
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.DRY_RUN);
        assertThat(h.runner.calls).isEmpty();
        assertThat(o.steps().get(0).host()).isEqualTo("db2");
        assertThat(o.steps().get(0).command()).isEqualTo(DEL);
    }

    @Test
    void aDryRunRefusesWhatARealRunWouldRefuse() throws Exception {
        Harness h = new Harness(dir);
        Fixture f = new Fixture().holders("db2");
        f.unreachable.add("db3");
        RepairOutcome o = h.repair("move-vip", f.build(), Optional.of("db1"), true);
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.REFUSED);
        assertThat(h.runner.calls).isEmpty();
        JsonNode refused = h.auditLines().get(3);
        assertThat(refused.get("step").asText()).isEqualTo("add-vip");
        assertThat(refused.get("result").asText()).isEqualTo("refused");
    }

    @Test
    void aDryRunWithADeadLinkPlansTheFallbackCheck() {
        Harness h = new Harness(dir);
        Fixture f = new Fixture().missing();
        f.linkDown.add("db1");
        RepairOutcome o = h.repair("restore-vip", f.build(), Optional.of("db1"), true);
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.DRY_RUN);
        assertThat(o.steps().get(0).command()).isEqualTo("ip -o link show dev eth1");
        assertThat(o.steps().get(2).command()).isEqualTo(ADD.replace("eth0", "eth1"));
        assertThat(h.runner.calls).isEmpty();
    }
}
