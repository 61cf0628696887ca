package io.vipwatch.repair;

import io.vipwatch.probe.VipFacts;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code verify}: re-probes the VIP until the rule's problem is gone, for up to {@code step_timeout}, starting
 * probes at most every {@value #INTERVAL_MS} ms (so at most {@code step_timeout / 200ms + 1} probes). The problem
 * still there at the end fails the repair. A dry run changed nothing, so it skips this step.
 */
final class VerifyStep implements Step {
    static final long INTERVAL_MS = 200;
    private static final Duration INTERVAL = Duration.ofMillis(INTERVAL_MS);

    @Override
    public void check(RepairRun run) {
        // Nothing to judge beforehand: verifying is always safe.
    }

    @Override
    public void run(RepairRun run) throws Stop {
        String host = run.targetName();
        if (run.dryRun()) {
            run.note(host, StepRecord.SKIPPED, "dry run: nothing was changed, so nothing to verify");
            return;
        }
        Duration limit = run.settings().stepTimeout();
        long maxProbes = limit.dividedBy(INTERVAL) + 1;
        Instant start = run.clock().instant();
        Instant deadline = start.plus(limit);
        String last = "";
        int probes = 0;
        while (probes < maxProbes) {
            Instant probeStart = run.clock().instant();
            probes++;
            try {
                VipFacts fresh = run.request().reprobe().get();
                if (run.request().problemGone().test(fresh)) {
                    run.note(host, StepRecord.OK, run.request().rule() + " is gone (probe " + probes + ", "
                            + Duration.between(start, run.clock().instant()).toMillis() + "ms)");
                    return;
                }
                last = "still present";
            } catch (RuntimeException e) {
                // A probe that blew up says nothing about the problem; keep trying within the limit.
                last = "re-probe failed: " + e;
            }
            Instant next = probeStart.plus(INTERVAL);
            if (!next.isBefore(deadline) || !run.clock().instant().isBefore(deadline)) {
                break;
            }
            run.sleep(Duration.between(run.clock().instant(), next));
        }
        String why = run.request().rule() + " persists after " + probes + " probe(s) over "
                + Duration.between(start, run.clock().instant()).toMillis() + "ms (step_timeout "
                + limit.toMillis() + "ms; last: " + last + ")";
        run.note(host, StepRecord.FAILED, why);
        throw new Stop(RepairOutcome.Result.FAILED, why, true);
    }
}
