package io.vipwatch.repair;

import java.util.Objects;

/**
 * Ends a repair early: a precondition did not hold ({@link RepairOutcome.Result#REFUSED}) or a command failed
 * ({@link RepairOutcome.Result#FAILED}). Control flow inside the repair package only; never escapes
 * {@link Repairer#repair}.
 */
final class Stop extends Exception {
    private static final long serialVersionUID = 1L;
    private final RepairOutcome.Result result;
    private final boolean recorded;

    /** @param recorded the step already wrote a record saying so (with its command); else the repairer writes one */
    Stop(RepairOutcome.Result result, String reason, boolean recorded) {
        super(reason, null, false, false);
        this.result = Objects.requireNonNull(result, "result");
        this.recorded = recorded;
    }

    RepairOutcome.Result result() {
        return result;
    }

    String reason() {
        return getMessage();
    }

    boolean recorded() {
        return recorded;
    }
}
