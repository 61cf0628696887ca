package io.vipwatch.repair;

import static io.vipwatch.repair.Harness.results;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A clustered service repairs under a lease (see {@code fleet.JdbcFleet}): every command first asks the fence, a
 * lost fence refuses the command, and every audit line carries the lease's epoch.
 */
class FenceTest {
    static final String DEL = "ip addr del 198.51.100.100/24 dev eth0";

    @TempDir
    Path dir;

    /** Holds for the first {@code holds} checks; on a check it may first let time pass (a paused process). */
    private static final class Lease implements Fence {
        private final TestTime time;
        private final int holds;
        private final Duration pauseOnFirstCheck;
        int checks;

        Lease(TestTime time, int holds, Duration pauseOnFirstCheck) {
            this.time = time;
            this.holds = holds;
            this.pauseOnFirstCheck = pauseOnFirstCheck;
        }

        @Override
        public OptionalLong token() {
            return OptionalLong.of(7);
        }

        @Override
        public Optional<String> lost() {
            checks++;
            if (checks == 1) {
                time.advance(pauseOnFirstCheck);
            }
            return checks <= holds ? Optional.empty() : Optional.of("lease epoch 7 ran out");
        }
    }

    @Test
    void aLostLeaseRefusesTheFirstCommandAndNothingRuns() throws Exception {
        Harness h = new Harness(dir);
        h.fence = new Lease(h.time, 0, Duration.ZERO);
        RepairOutcome o = h.repair("restore-vip", new Fixture().missing());
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.REFUSED);
        assertThat(h.runner.calls).isEmpty();
        // check-link reads the probe's facts; arping -D is the first command
        assertThat(results(o)).containsExactly("check-link ok", "guard-no-other-mac refused", "add-vip skipped",
                "announce skipped", "verify skipped");
        assertThat(o.steps().get(1).detail()).isEqualTo("not run: lease epoch 7 ran out");
        assertThat(o.steps().get(1).command()).isEqualTo(RestoreVipTest.GUARD);
        assertThat(h.auditLines()).isNotEmpty().allSatisfy(
                (JsonNode line) -> assertThat(line.get("fencing_token").asLong()).isEqualTo(7));
    }

    @Test
    void theLeaseIsAskedBeforeEachCommandSoTheRepairStopsBetweenTwoOfOneStep() {
        Harness h = new Harness(dir);
        h.fence = new Lease(h.time, 1, Duration.ZERO);
        RepairOutcome o = h.repair("remove-duplicates", new Fixture().holders("db1", "db2", "db3"));
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.REFUSED);
        assertThat(h.runner.calls).containsExactly("db2: " + DEL);
        assertThat(o.detail()).contains("not run: lease epoch 7 ran out");
    }

    /**
     * Paused past its step timeout (and its lease): the step fails before its next command, and the audit log says
     * why it may not go on rather than blaming the timeout alone.
     */
    @Test
    void aStepThatRanOutOfTimeWhileTheLeaseWasLostIsRecordedAsRefused() {
        Harness h = new Harness(dir);
        h.fence = new Lease(h.time, 1, Duration.ofSeconds(6));
        RepairOutcome o = h.repair("remove-duplicates", new Fixture().holders("db1", "db2", "db3"));
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.REFUSED);
        assertThat(h.runner.calls).containsExactly("db2: " + DEL);
        assertThat(o.detail()).isEqualTo("remove-extra-holders: remove-extra-holders ran out of its step_timeout of "
                + "5000ms; the repair may not go on: lease epoch 7 ran out");
    }

    @Test
    void aStepThatRanOutOfTimeUnderAValidLeaseStillFails() {
        Harness h = new Harness(dir);
        h.fence = new Lease(h.time, Integer.MAX_VALUE, Duration.ofSeconds(6));
        RepairOutcome o = h.repair("remove-duplicates", new Fixture().holders("db1", "db2", "db3"));
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.FAILED);
        assertThat(o.detail()).endsWith("ran out of its step_timeout of 5000ms");
    }
}
