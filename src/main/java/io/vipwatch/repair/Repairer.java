package io.vipwatch.repair;

import io.vipwatch.config.Config;
import io.vipwatch.remote.LocalExec;
import io.vipwatch.remote.SshPool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns "rule X fired for VIP V" into safe, audited commands by running one {@link RepairPlan}.
 *
 * <p>Design. A repair runs in two passes over the plan's steps. The <em>preflight</em> pass asks every step
 * whether its preconditions hold on the request's facts — with the intended effects of the steps before it
 * assumed (holders removed, VIP added) — and runs nothing; one failed precondition refuses the whole repair
 * before the first command, so a plan never stops halfway for a reason that was knowable up front (say, after
 * removing the VIP from the wrong host but before adding it to the right one). The <em>run</em> pass checks each
 * step again and executes it; checks that need the network (link state of an unprobed host, {@code arping -D})
 * happen here and refuse as well. Evidence that is unknown (a host that did not answer, an L2 probe that failed)
 * always refuses, never counts as "absent". A command that fails or times out stops the repair as failed.
 * Every step leaves at least one {@link StepRecord}, written to the {@link AuditLog} as it happens; steps after
 * a stop are recorded as {@code skipped}.
 *
 * <p>In a dry run (the request's, {@code repairs.dry_run}, or the VIP's {@code dry_run}) every step is planned and
 * audited with the exact command it would run, nothing runs, waits are skipped, and {@code verify} is skipped.
 *
 * <p>Each command is bounded by {@code repairs.step_timeout} (what is left of it for a step's later commands);
 * {@code verify} polls for at most that long. Thread-safe: it holds no state between repairs; the caller makes
 * sure one VIP has at most one repair in flight.
 */
public final class Repairer {
    private static final Logger log = LoggerFactory.getLogger(Repairer.class);

    private final Config config;
    private final CommandRunner runner;
    private final AuditLog audit;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Afterwards afterwards;

    public Repairer(Config config, SshPool ssh, LocalExec local, AuditLog audit, Clock clock, Sleeper sleeper,
                    Afterwards afterwards) {
        this(config, CommandRunner.of(ssh, local), audit, clock, sleeper, afterwards);
    }

    Repairer(Config config, CommandRunner runner, AuditLog audit, Clock clock, Sleeper sleeper,
             Afterwards afterwards) {
        this.config = Objects.requireNonNull(config, "config");
        this.runner = Objects.requireNonNull(runner, "runner");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.afterwards = Objects.requireNonNull(afterwards, "afterwards");
    }

    /** Runs one plan for one VIP; blocking, every step bounded; never throws for remote failures. */
    public RepairOutcome repair(RepairRequest request) {
        return repair(request, Fence.NONE);
    }

    /**
     * {@link #repair(RepairRequest)} under {@code fence}: each command runs only while it holds, and its token is in
     * every audit line, also those of bursts sent after this returned.
     */
    public RepairOutcome repair(RepairRequest request, Fence fence) {
        Instant start = clock.instant();
        boolean dryRun = request.dryRun() || config.repairs().dryRun() || request.vip().dryRun();
        afterwards.repairStarts(request.key());
        // Ties a repair's lines together in the audit log, also those of bursts sent after it returned.
        String id = java.util.UUID.randomUUID().toString().substring(0, 8);
        RepairRun run = new RepairRun(request, config.repairs(), runner, clock, sleeper, afterwards, fence, dryRun,
                r -> audit.append(new AuditLog.Entry(clock.instant(), id, request.cluster().name(),
                        request.vip().name(), request.rule(), request.plan().name(), dryRun, r, fence.token())));
        List<Step> steps = request.plan().stepNames().stream().map(StepName::step).toList();
        for (int i = 0; i < steps.size(); i++) {
            run.at(i);
            try {
                steps.get(i).check(run);
                steps.get(i).assume(run);
            } catch (Stop refusal) {
                return preflightRefused(run, steps.size(), i, refusal, start);
            } catch (RuntimeException e) {
                return internalError(run, steps.size(), i, e, start);
            }
        }
        run.resetEffects();
        for (int i = 0; i < steps.size(); i++) {
            run.at(i);
            try {
                steps.get(i).check(run);
                steps.get(i).run(run);
            } catch (Stop failed) {
                Stop stop = run.judged(failed);
                if (!stop.recorded()) {
                    run.note(run.targetName(), label(stop.result()), stop.reason());
                }
                return stopped(run, steps.size(), i, stop.result(), stop.reason(), start);
            } catch (RuntimeException e) {
                return internalError(run, steps.size(), i, e, start);
            }
        }
        String detail = dryRun ? "dry run: " + steps.size() + " step(s) planned, no command run"
                : "all " + steps.size() + " step(s) done" + lastDetail(run);
        return outcome(run, dryRun ? RepairOutcome.Result.DRY_RUN : RepairOutcome.Result.SUCCEEDED, detail, start);
    }

    private RepairOutcome preflightRefused(RepairRun run, int count, int at, Stop refusal, Instant start) {
        for (int j = 0; j < count; j++) {
            run.at(j);
            if (j == at) {
                run.note(run.targetName(), StepRecord.REFUSED, refusal.reason());
            } else {
                run.note(run.targetName(), StepRecord.SKIPPED, "not run: the plan was refused at "
                        + run.request().plan().steps().get(at) + " before any command ran");
            }
        }
        return outcome(run, RepairOutcome.Result.REFUSED, run.request().plan().steps().get(at) + ": "
                + refusal.reason(), start);
    }

    /** A bug, not a remote failure: record it, stop safely, and let the service carry on. */
    private RepairOutcome internalError(RepairRun run, int count, int at, RuntimeException e, Instant start) {
        log.error("{}: repair {} step {} threw", run.request().key(), run.request().plan().name(), run.step(), e);
        String why = "internal error: " + e;
        run.note(run.targetName(), StepRecord.FAILED, why);
        return stopped(run, count, at, RepairOutcome.Result.FAILED, why, start);
    }

    private RepairOutcome stopped(RepairRun run, int count, int at, RepairOutcome.Result result, String why,
                                  Instant start) {
        String stepName = run.step();
        for (int j = at + 1; j < count; j++) {
            run.at(j);
            run.note(run.targetName(), StepRecord.SKIPPED, "not run: the repair stopped at " + stepName);
        }
        return outcome(run, result, stepName + ": " + why, start);
    }

    private RepairOutcome outcome(RepairRun run, RepairOutcome.Result result, String detail, Instant start) {
        Instant end = clock.instant();
        return new RepairOutcome(result, run.request().plan().name(), run.records(), detail,
                Duration.between(start, end), end);
    }

    private static String lastDetail(RepairRun run) {
        List<StepRecord> records = run.records();
        return records.isEmpty() ? "" : "; " + records.get(records.size() - 1).detail();
    }

    private static String label(RepairOutcome.Result result) {
        return result == RepairOutcome.Result.REFUSED ? StepRecord.REFUSED : StepRecord.FAILED;
    }
}
