package io.vipwatch.repair;

import io.vipwatch.config.ClusterConfig;
import io.vipwatch.config.HostConfig;
import io.vipwatch.config.InterfaceName;
import io.vipwatch.config.RepairSettings;
import io.vipwatch.probe.VipFacts;
import io.vipwatch.remote.CommandResult;
import io.vipwatch.remote.LocalExec;
import io.vipwatch.remote.ShellWords;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The state of one repair while it runs: which step is current, what earlier steps did (holders removed, VIP
 * added, interface chosen), and the records written so far. Steps run commands only through it, so dry runs, the
 * per-step deadline and the audit trail are handled in one place.
 */
final class RepairRun {
    private final RepairRequest request;
    private VipFacts facts;
    private final RepairSettings settings;
    private final CommandRunner runner;
    private final Clock clock;
    private final Sleeper sleeper;
    private final boolean dryRun;
    private final List<StepName> plan;
    private final Consumer<StepRecord> sink;
    private final Afterwards afterwards;
    private final Fence fence;
    /** Synchronized: bursts sent {@link Afterwards} add their records from another thread. */
    private final List<StepRecord> records = java.util.Collections.synchronizedList(new ArrayList<>());
    private int index;
    private Instant stepStart;
    // Effects of earlier steps: real ones while running, assumed ones in the preflight pass.
    private Set<String> removedHolders = new LinkedHashSet<>();
    private boolean vipAdded;
    private Optional<InterfaceName> linkInterface = Optional.empty();

    RepairRun(RepairRequest request, RepairSettings settings, CommandRunner runner, Clock clock, Sleeper sleeper,
              Afterwards afterwards, Fence fence, boolean dryRun, Consumer<StepRecord> sink) {
        this.afterwards = afterwards;
        this.fence = fence;
        this.request = request;
        this.facts = request.facts();
        this.settings = settings;
        this.runner = runner;
        this.clock = clock;
        this.sleeper = sleeper;
        this.dryRun = dryRun;
        this.plan = request.plan().stepNames();
        this.sink = sink;
    }

    /** Makes step {@code i} of the plan current and starts its deadline. */
    void at(int i) {
        index = i;
        stepStart = clock.instant();
    }

    /** Forgets the effects assumed in the preflight pass. */
    void resetEffects() {
        removedHolders = new LinkedHashSet<>();
        vipAdded = false;
        linkInterface = Optional.empty();
    }

    String step() {
        return plan.get(index).label();
    }

    /** Whether {@code step} comes later in the plan than the current step. */
    boolean later(StepName step) {
        return plan.subList(index + 1, plan.size()).contains(step);
    }

    RepairRequest request() {
        return request;
    }

    /** The facts the rule fired on, with the location of the last {@link #relocate()} if there was one. */
    VipFacts facts() {
        return facts;
    }

    /**
     * Reads where the VIP is afresh and judges the following steps on that: the location the rule fired on may
     * predate its L2 replies (a second holder added in between is seen answering ARP but not yet holding).
     */
    void relocate() {
        facts = facts.withLocation(request.relocate().get());
    }

    ClusterConfig cluster() {
        return request.cluster();
    }

    boolean dryRun() {
        return dryRun;
    }

    Clock clock() {
        return clock;
    }

    RepairSettings settings() {
        return settings;
    }

    Set<String> removedHolders() {
        return removedHolders;
    }

    boolean vipAdded() {
        return vipAdded;
    }

    void vipAdded(boolean added) {
        vipAdded = added;
    }

    Optional<InterfaceName> linkInterface() {
        return linkInterface;
    }

    void linkInterface(InterfaceName iface) {
        linkInterface = Optional.of(iface);
    }

    List<StepRecord> records() {
        synchronized (records) {
            return List.copyOf(records);
        }
    }

    /** Where a step leaves work that runs after the repair returned. */
    Afterwards afterwards() {
        return afterwards;
    }

    /** The expected holder, which every step that acts on "the" host acts on; refuses when there is none. */
    HostConfig target() throws Stop {
        String name = request.expectedHolder().orElseThrow(() -> refuse("no expected holder: alert only"));
        return cluster().host(name).orElseThrow(() -> refuse("expected holder " + name
                + " is not a host of cluster " + cluster().name()));
    }

    /** The expected holder's name, or {@code ""}, for records of steps that ran no command. */
    String targetName() {
        return request.expectedHolder().orElse("");
    }

    /** The interface a holder carries the VIP on, per the facts, if it is a valid interface name. */
    Optional<InterfaceName> holderInterface(String host) {
        String iface = facts().location().holderInterfaces().get(host);
        return InterfaceName.isValid(iface) ? Optional.of(new InterfaceName(iface)) : Optional.empty();
    }

    /** The VIP with the prefix {@code host} really carries it with (as seen), for {@code ip addr del}. */
    io.vipwatch.config.VipAddress vipAsHeldBy(String host) {
        io.vipwatch.config.VipAddress configured = request.vip().address();
        Integer prefix = facts().location().holderPrefixes().get(host);
        return prefix == null || prefix == configured.prefixLength() ? configured
                : new io.vipwatch.config.VipAddress(configured.address(), prefix);
    }

    /** {@code dry-run} in a dry run, else {@code result}: for records of steps that had nothing to do. */
    String orDryRun(String result) {
        return dryRun ? StepRecord.DRY_RUN : result;
    }

    /** The host of that name, positively known to the config; refuses otherwise. */
    HostConfig host(String name) throws Stop {
        return cluster().host(name).orElseThrow(() -> refuse(name + " is not a host of cluster " + cluster().name()));
    }

    /**
     * Runs {@code argv} on {@code host}; in a dry run records it as {@code dry-run} with {@code wouldDo} instead.
     * Refuses, recording why, when the repair's fence no longer holds.
     */
    Optional<CommandResult> remote(HostConfig host, List<String> argv, Duration timeout, String wouldDo)
            throws Stop {
        return remote(host, ShellWords.join(argv), timeout, wouldDo);
    }

    Optional<CommandResult> remote(HostConfig host, String line, Duration timeout, String wouldDo) throws Stop {
        return remote(step(), host, line, timeout, wouldDo);
    }

    /** {@link #remote(HostConfig, String, Duration, String)} for {@code step}, which need not be the current one. */
    Optional<CommandResult> remote(String step, HostConfig host, String line, Duration timeout, String wouldDo)
            throws Stop {
        if (dryRun) {
            record(new StepRecord(step, host.name(), line, -1, "", Duration.ZERO, StepRecord.DRY_RUN, wouldDo));
            return Optional.empty();
        }
        fenced(step, host.name(), line);
        return Optional.of(runner.remote(host, line, timeout));
    }

    Optional<CommandResult> local(List<String> argv, Duration timeout, String wouldDo) throws Stop {
        String line = ShellWords.join(argv);
        if (dryRun) {
            record(new StepRecord(step(), LocalExec.WHERE, line, -1, "", Duration.ZERO, StepRecord.DRY_RUN,
                    wouldDo));
            return Optional.empty();
        }
        fenced(step(), LocalExec.WHERE, line);
        return Optional.of(runner.local(argv, timeout));
    }

    /** The repair's fencing token for the audit lines; empty for a single instance. */
    java.util.OptionalLong fencingToken() {
        return fence.token();
    }

    /** Refuses the command, recorded with what it would have run, when the fence no longer holds. */
    private void fenced(String step, String where, String line) throws Stop {
        Optional<String> lost = fence.lost();
        if (lost.isPresent()) {
            String why = "not run: " + lost.get();
            record(new StepRecord(step, where, line, -1, "", Duration.ZERO, StepRecord.REFUSED, why));
            throw new Stop(RepairOutcome.Result.REFUSED, why, true);
        }
    }

    /**
     * A step that failed before it recorded a command (ran out of its step timeout, say) may have failed because
     * this process was paused, past its lease: then the fence's refusal is the truth the audit log should tell.
     */
    Stop judged(Stop stop) {
        if (dryRun || stop.recorded() || stop.result() != RepairOutcome.Result.FAILED) {
            return stop;
        }
        return fence.lost().map(why -> new Stop(RepairOutcome.Result.REFUSED, stop.reason()
                + "; the repair may not go on: " + why, false)).orElse(stop);
    }

    /** Records a command's result. */
    void record(CommandResult r, String result, String detail) {
        recordAs(step(), r, result, detail);
    }

    /** Records a command's result for {@code step}, which need not be the current one (work done afterwards). */
    void recordAs(String step, CommandResult r, String result, String detail) {
        String why = r.detail().isEmpty() ? detail : detail + " (" + r.detail() + ")";
        record(new StepRecord(step, r.where(), r.command(), r.exitCode(), r.stdout() + r.stderr(), r.elapsed(),
                result, why));
    }

    /** Records, for {@code step}, something that ran no command. */
    void noteAs(String step, String host, String result, String detail) {
        record(new StepRecord(step, host, "", -1, "", Duration.ZERO, result, detail));
    }

    /** Records a step (or a decision) that ran no command. */
    void note(String host, String result, String detail) {
        record(new StepRecord(step(), host, "", -1, "", Duration.between(stepStart, clock.instant()), result, detail));
    }

    void record(StepRecord r) {
        records.add(r);
        sink.accept(r);
    }

    /**
     * Runs one command that changes {@code host} (in a dry run: plans it), recording {@code done} on success.
     * A command that fails or times out ends the repair as failed with {@code failure}.
     */
    void change(HostConfig host, List<String> argv, String wouldDo, String failure, String done) throws Stop {
        Optional<CommandResult> r = remote(host, argv, remaining(), wouldDo);
        if (r.isPresent() && !r.get().succeeded()) {
            throw failed(r.get(), failure);
        }
        r.ifPresent(result -> record(result, StepRecord.OK, done));
    }

    static Stop refuse(String reason) {
        return new Stop(RepairOutcome.Result.REFUSED, reason, false);
    }

    /** Records the command that showed the precondition does not hold, and stops as refused. */
    Stop refused(CommandResult r, String reason) {
        record(r, StepRecord.REFUSED, reason);
        String why = r.detail().isEmpty() ? reason : reason + " (" + r.detail() + ")";
        return new Stop(RepairOutcome.Result.REFUSED, why, true);
    }

    /** Records the command that failed, and stops as failed. */
    Stop failed(CommandResult r, String reason) {
        String why = reason + ": " + r.summary();
        record(r, StepRecord.FAILED, reason);
        return new Stop(RepairOutcome.Result.FAILED, why, true);
    }

    /** What is left of the current step's {@code step_timeout}; fails the step when nothing is. */
    Duration remaining() throws Stop {
        Duration left = settings.stepTimeout().minus(Duration.between(stepStart, clock.instant()));
        if (left.isNegative() || left.isZero()) {
            throw new Stop(RepairOutcome.Result.FAILED, step() + " ran out of its step_timeout of "
                    + settings.stepTimeout().toMillis() + "ms", false);
        }
        return left;
    }

    /** Waits {@code d} (nothing for zero); an interrupt fails the repair and keeps the thread's flag set. */
    void sleep(Duration d) throws Stop {
        if (d.isNegative() || d.isZero()) {
            return;
        }
        try {
            sleeper.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stop(RepairOutcome.Result.FAILED, "interrupted while waiting " + d.toMillis() + "ms", false);
        }
    }
}
