package io.vipwatch.repair;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * How one repair ended.
 *
 * @param result  {@link Result#SUCCEEDED}: every step ran and verify saw the problem gone;
 *                {@link Result#REFUSED}: a safety precondition did not hold (before or between commands), and the
 *                repair stopped there; {@link Result#FAILED}: a command failed, timed out, or verify still saw the
 *                problem; {@link Result#DRY_RUN}: every step was planned and audited, nothing was run
 * @param plan    the plan's name
 * @param steps   every step record, in order, as written to the audit log
 * @param detail  one line: why it was refused or failed, or what it did
 * @param elapsed from start to end of the repair, waits included
 */
public record RepairOutcome(Result result, String plan, List<StepRecord> steps, String detail, Duration elapsed,
                            Instant finishedAt) {
    public enum Result { SUCCEEDED, FAILED, REFUSED, DRY_RUN }

    public RepairOutcome {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(plan, "plan");
        steps = List.copyOf(steps);
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(elapsed, "elapsed");
        Objects.requireNonNull(finishedAt, "finishedAt");
    }
}
