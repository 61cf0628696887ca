package io.vipwatch.service;

import io.vipwatch.config.ClusterConfig;
import io.vipwatch.config.HolderPolicy;
import io.vipwatch.config.VipConfig;
import io.vipwatch.fleet.Fleet;
import io.vipwatch.probe.VipFacts;
import io.vipwatch.probe.VipProbe;
import io.vipwatch.repair.RepairOutcome;
import io.vipwatch.repair.RepairPlan;
import io.vipwatch.repair.RepairRequest;
import io.vipwatch.rule.Evaluation;
import io.vipwatch.rule.FactSchema;
import io.vipwatch.rule.Rule;
import io.vipwatch.rule.RuleTracker;
import io.vipwatch.silence.ActiveSilence;
import io.vipwatch.state.HandedOver;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One VIP in the service: each {@link #cycle()} is the whole data flow for it — probe → facts → rules → rule
 * state → at most one repair (none while silenced) → status → alerts → metrics. Cycles of one VIP never overlap
 * (the scheduler guarantees it, and a lock makes sure when a clustered service's fallback schedule takes over), so
 * the state here needs no other locking; readers see the immutable {@link #status()}.
 *
 * <p>With a clustered job store the next cycle may run on another instance: a cycle starts from the state the
 * previous one left in the job store ({@link VipMemory}) and saves its own at the end, and a repair runs only
 * under the VIP's lease. While the job store is unreachable the VIP shows {@value Fleet#DEGRADED} and nothing is
 * repaired.
 */
final class VipWatch {
    private static final Logger log = LoggerFactory.getLogger(VipWatch.class);
    private static final int EVENTS_KEPT = 20;

    private final ClusterConfig cluster;
    private final VipConfig vip;
    private final Services services;
    private final RuleTracker tracker;
    /** Every problem this VIP can have: the rules and {@code repair-exhausted}. */
    private final List<String> ruleNames;
    private final Deque<RuleTracker.Transition> events = new ArrayDeque<>();
    private final Clock clock;
    private Optional<RepairOutcome> lastRepair = Optional.empty();
    private long cycles;
    private Instant exhaustedSince;
    private volatile VipStatus status;
    private volatile Instant lastCycle = Instant.EPOCH;
    private volatile boolean repairing;
    private String silencedBy;
    private final AtomicBoolean cycleRequested = new AtomicBoolean();
    private final ReentrantLock cycleLock = new ReentrantLock();
    private final Fleet.SharedVip shared;
    /** The job store's outage as this cycle began, if any. */
    private Optional<Fleet.Outage> outage = Optional.empty();
    /** Completed when an event asks for a new cycle: the cycle in flight stops waiting for slow probes. */
    private volatile CompletableFuture<Void> cut = new CompletableFuture<>();

    VipWatch(ClusterConfig cluster, VipConfig vip, Services services, Clock clock) {
        this.cluster = cluster;
        this.vip = vip;
        this.services = services;
        this.clock = clock;
        this.tracker = new RuleTracker(services.rules(), clock);
        List<String> names = new ArrayList<>();
        services.rules().rules().forEach(r -> names.add(r.name()));
        names.add(RuleTracker.EXHAUSTED);
        if (services.fleet().clustered()) {
            names.add(Fleet.DEGRADED);
        }
        this.ruleNames = List.copyOf(names);
        this.shared = services.fleet().vip(key());
        services.metrics().repairPlans(cluster.name(), vip.name(), services.rules().rules().stream()
                .flatMap(r -> r.lifecycle().repair().stream()).distinct().toList());
    }

    String key() {
        return cluster.name() + "/" + vip.name();
    }

    ClusterConfig cluster() {
        return cluster;
    }

    VipConfig vip() {
        return vip;
    }

    /** When this instance last finished a cycle of this VIP (for a clustered service: whether it still runs it). */
    Instant lastCycle() {
        return lastCycle;
    }

    /** The latest snapshot, or null before the first cycle finished. */
    VipStatus status() {
        VipStatus s = status;
        return s == null ? null : s.repairing(repairing);
    }

    /**
     * Asks for a cycle now (an address event); true when the caller should trigger one, false when one is already
     * asked for and has not started yet — a burst of events costs one extra cycle, not one each.
     */
    boolean requestCycle() {
        cut.complete(null);
        return cycleRequested.compareAndSet(false, true);
    }

    /**
     * One cycle in three phases, on widening facts: where the VIP is (one SSH round trip), then the neighbour
     * entries and L2 replies (the L2 window), then everything (ping and SQL, up to their timeouts). Each phase feeds
     * the tracker the rules it decided and no earlier phase did; a problem that fires is published to the status at
     * once, and the first repair due starts at once, so a deleted VIP is re-added after tens of milliseconds of
     * probing, not after the slowest probe. An address event during the cycle cuts its waiting short: rules its
     * facts could not decide stay undecided, and the next cycle starts from fresh facts at once.
     *
     * <p>A cycle an event asked for starts one step earlier, from what the events say (see {@link
     * io.vipwatch.probe.LiveLocations}): a VIP deleted from its holder shows as missing within milliseconds of the
     * deletion. Those verdicts are only heard, not seen: a fresh read that decides a rule otherwise overrules them,
     * and no repair starts on a rule until fresh facts confirmed it.
     */
    void cycle() {
        cycleLock.lock();
        try {
            cycleLocked();
        } finally {
            cycleLock.unlock();
        }
    }

    private void cycleLocked() {
        shared.begin().flatMap(VipMemory::fromJson).ifPresent(this::continueFrom);
        outage = services.fleet().outage();
        CompletableFuture<Void> cutShort = new CompletableFuture<>();
        cut = cutShort;
        boolean asked = cycleRequested.getAndSet(false);
        long start = System.nanoTime();
        Optional<ActiveSilence> silence = services.suspensions().match(cluster.name(), vip.name(), clock.instant());
        noteSilence(silence);
        VipProbe probe = services.cycle().start(cluster, vip, services.sharedViews());
        Set<String> decided = new HashSet<>();
        Map<String, Boolean> heard = new HashMap<>(); // rule → verdict, decided on events alone, not yet confirmed
        if (asked) {
            services.live().cluster(cluster).ifPresent(views -> {
                VipFacts facts = probe.heard(views);
                Evaluation evaluation = evaluate(facts);
                decide(facts, evaluation, decided, silence, " (heard from an address event; confirming)")
                        .forEach(rule -> heard.put(rule, fires(evaluation, rule)));
            });
        }
        // At most one repair per cycle, none under a silence: a planned switch (MHA online change) must not be
        // "repaired" back. None either while the job store is down: no lease can be granted.
        boolean repairsDone = !silence.isEmpty() || outage.isPresent();
        // What this cycle's own reads say of each rule they decided: only a rule they found true may be repaired.
        // A rule still firing from an earlier cycle that this one's facts cannot decide yet (duplicate-holders needs
        // the L2 replies, which come after the location) may have been repaired since: repairing it again on the old
        // verdict is a second repair. Nor is a rule repaired that this cycle found false (clear_for not yet met).
        Map<String, Boolean> seen = new HashMap<>();
        for (Supplier<VipFacts> phase : List.<Supplier<VipFacts>>of(probe::located, () -> probe.early(cutShort))) {
            VipFacts facts = phase.get();
            Evaluation evaluation = evaluate(facts);
            confirm(facts, evaluation, heard, silence);
            decide(facts, evaluation, decided, silence, "");
            decidedBy(evaluation).forEach(rule -> seen.put(rule, fires(evaluation, rule)));
            repairsDone = repairsDone || repairIfDue(facts, heard.keySet(), seen);
        }
        VipFacts facts = probe.complete(cutShort);
        if (facts.handoverOutdated()) {
            forgetHandover(facts);
        }
        Evaluation evaluation = evaluate(facts);
        confirm(facts, evaluation, heard, silence);
        record(tracker.update(evaluation, rule -> !decided.contains(rule)), "");
        decidedBy(evaluation).forEach(rule -> seen.put(rule, fires(evaluation, rule)));
        if (!repairsDone) {
            repairIfDue(facts, heard.keySet(), seen);
        }
        cycles++;
        VipStatus now = snapshot(facts, evaluation, silence);
        status = now;
        lastCycle = clock.instant();
        services.alerting().ifPresent(a -> a.cycle(new Alerting.CycleInput(facts, evaluation,
                now.problems(), now.rules(), tracker.exhausted(), lastRepair, silence.map(ActiveSilence::describe),
                services.dryRun() || vip.dryRun()), clock.instant()));
        shared.end(memory().toJson());
        services.metrics().vipCycle(facts, ruleNames, now.problems().keySet(), silence.isPresent(),
                Duration.ofNanos(System.nanoTime() - start));
    }

    /** Continues from the state another instance's cycle of this VIP left. */
    private void continueFrom(VipMemory memory) {
        tracker.restore(memory.rules());
        services.alerting().ifPresent(a -> a.restore(cluster.name(), vip.name(), memory.alerts()));
        exhaustedSince = memory.exhaustedSince().orElse(null);
    }

    private VipMemory memory() {
        return new VipMemory(tracker.save(), services.alerting().map(a -> a.save(cluster.name(), vip.name()))
                .orElse(Map.of()), Optional.ofNullable(exhaustedSince));
    }

    /**
     * Drops a handover the cluster has moved on from (see {@link VipFacts#handoverOutdated()}), so that it cannot
     * decide a later split brain. The facts of this cycle keep it; the next cycle's do not.
     */
    private void forgetHandover(VipFacts facts) {
        HandedOver h = facts.handover().orElseThrow();
        try {
            if (services.handovers().forget(h)) {
                boolean writable = vip.policy().kind() == HolderPolicy.Kind.WRITABLE;
                log.info("{}: forgot the handover of {} to {} ({}): {} is now the single {}", key(), vip.name(),
                        h.host(), h.at(), writable ? facts.roles().masters().get(0) : facts.location().holders().get(0),
                        writable ? "writable master" : "holder");
            }
        } catch (IOException e) {
            log.warn("{}: cannot forget the outdated handover to {}: {}", key(), h.host(), e.getMessage());
        }
    }

    /**
     * Feeds the tracker the rules {@code evaluation} decided that no earlier phase did, and returns them; when one
     * fired, the status shows it now rather than at the end of the cycle (the facts in it are then an early
     * snapshot).
     */
    private Set<String> decide(VipFacts facts, Evaluation evaluation, Set<String> decided,
                               Optional<ActiveSilence> silence, String note) {
        Set<String> now = new HashSet<>(ruleNames);
        now.removeAll(evaluation.undecided());
        now.removeAll(decided);
        List<RuleTracker.Transition> transitions = tracker.update(evaluation, now::contains);
        decided.addAll(now);
        record(transitions, note);
        if (transitions.stream().anyMatch(RuleTracker.Transition::fired)) {
            status = snapshot(facts, evaluation, silence);
        }
        return now;
    }

    /**
     * Fresh facts that decide a rule {@code heard} holds a verdict for: the same verdict confirms it, another one
     * overrules it (the tracker learns the fresh verdict). Either way the rule is no longer merely heard.
     */
    private void confirm(VipFacts facts, Evaluation evaluation, Map<String, Boolean> heard,
                         Optional<ActiveSilence> silence) {
        Set<String> overruled = new HashSet<>();
        heard.entrySet().removeIf(e -> {
            if (evaluation.undecided().contains(e.getKey())) {
                return false;
            }
            if (fires(evaluation, e.getKey()) != e.getValue()) {
                overruled.add(e.getKey());
            }
            return true;
        });
        if (!overruled.isEmpty()) {
            List<RuleTracker.Transition> transitions = tracker.update(evaluation, overruled::contains);
            record(transitions, " (a fresh read overruled what an address event implied)");
            status = snapshot(facts, evaluation, silence);
        }
    }

    /** The rules {@code evaluation} has a verdict for. */
    private Set<String> decidedBy(Evaluation evaluation) {
        Set<String> out = new HashSet<>(ruleNames);
        out.removeAll(evaluation.undecided());
        return out;
    }

    private static boolean fires(Evaluation evaluation, String rule) {
        return evaluation.problems().stream().anyMatch(p -> p.name().equals(rule));
    }

    private Evaluation evaluate(VipFacts facts) {
        long start = System.nanoTime();
        Evaluation evaluation = services.rules().evaluate(facts);
        services.metrics().ruleEvaluation(Duration.ofNanos(System.nanoTime() - start));
        return evaluation;
    }

    private void noteSilence(Optional<ActiveSilence> silence) {
        String id = silence.map(ActiveSilence::id).orElse(null);
        if (!Objects.equals(id, silencedBy)) {
            if (silence.isPresent()) {
                log.warn("{}: alerts held back and repairs suspended by {}", key(), silence.get().describe());
            } else {
                log.info("{}: silence {} is over: alerts and repairs resume", key(), silencedBy);
            }
            silencedBy = id;
        }
    }

    /**
     * Starts the first due repair, if any, of a firing rule this cycle's fresh facts found true ({@code seen}): one
     * per cycle, so the next cycle sees what this one changed. Without a host to work on (policy {@code any} with no
     * single holder, {@code writable} without a single master) every plan would refuse: the rule only alerts, and
     * no attempt is spent.
     */
    private boolean repairIfDue(VipFacts facts, Set<String> unconfirmed, Map<String, Boolean> seen) {
        if (target(facts).isEmpty()) {
            return false;
        }
        for (Rule rule : tracker.firing()) {
            if (Boolean.TRUE.equals(seen.get(rule.name())) && !unconfirmed.contains(rule.name())
                    && tracker.mayRepair(rule)) {
                repair(rule, facts);
                return true;
            }
        }
        return false;
    }

    private void record(List<RuleTracker.Transition> transitions, String note) {
        for (RuleTracker.Transition t : transitions) {
            log.info("{}: {} {}{}", key(), t.rule(), t.fired() ? "FIRED" : "resolved", note);
            events.addLast(t);
            while (events.size() > EVENTS_KEPT) {
                events.removeFirst();
            }
        }
    }

    private void repair(Rule rule, VipFacts facts) {
        String planName = rule.lifecycle().repair().orElseThrow();
        Optional<RepairPlan> plan = services.plans().get(planName);
        if (plan.isEmpty()) {
            log.error("{}: rule {} names plan {}, which does not exist", key(), rule.name(), planName);
            return;
        }
        if (!services.repairSlots().tryAcquire()) {
            log.warn("{}: {} not repaired this cycle: {} repairs already in flight (repairs.max_concurrent)",
                    key(), rule.name(), services.config().repairs().maxConcurrent());
            return;
        }
        // The attempt is counted before the lease is asked for, so that the job store saves it with the grant.
        Map<String, RuleTracker.Saved> before = tracker.save();
        tracker.recordAttempt(rule);
        Fleet.Grant grant = shared.lease(() -> memory().toJson());
        if (grant.lease().isEmpty()) {
            tracker.restore(before);
            services.repairSlots().release();
            log.warn("{}: {} not repaired: no repair lease: {}", key(), rule.name(), grant.refusal());
            return;
        }
        Fleet.Lease lease = grant.lease().get();
        repairing = true;
        try {
            boolean dryRun = services.dryRun() || vip.dryRun();
            RepairRequest request = new RepairRequest(cluster, vip, rule.name(), plan.get(), facts,
                    target(facts), dryRun,
                    () -> services.cycle().probe(cluster, vip, services.cycle().new HostViews(Duration.ZERO)),
                    () -> services.cycle().locate(cluster, vip),
                    fresh -> rule.evaluate(FactSchema.values(fresh)) == Rule.Verdict.CLEAR);
            RepairOutcome outcome = services.repairer().repair(request, lease);
            lastRepair = Optional.of(outcome);
            services.metrics().repair(cluster.name(), vip.name(), outcome);
            log.info("{}: repair {} for {}: {} in {} ms{}", key(), planName, rule.name(), outcome.result(),
                    outcome.elapsed().toMillis(), outcome.detail().isEmpty() ? "" : " (" + outcome.detail() + ")");
        } finally {
            lease.release();
            repairing = false;
            services.repairSlots().release();
        }
    }

    /**
     * Who a repair works on: the expected holder; with policy {@code any}, the single current holder (so a stale
     * ARP entry can be re-announced from it), never a host chosen by vipwatch.
     */
    private static Optional<String> target(VipFacts facts) {
        if (facts.expectedHolder().isPresent()) {
            return facts.expectedHolder();
        }
        List<String> holders = facts.location().holders();
        return facts.vip().policy().kind() == HolderPolicy.Kind.ANY && holders.size() == 1
                ? Optional.of(holders.get(0)) : Optional.empty();
    }

    private VipStatus snapshot(VipFacts facts, Evaluation evaluation, Optional<ActiveSilence> silence) {
        Map<String, Instant> active = new LinkedHashMap<>();
        for (RuleTracker.RuleStatus r : tracker.snapshot()) {
            if (r.firing()) {
                active.put(r.rule(), r.since());
            }
        }
        List<String> exhausted = tracker.exhausted();
        if (exhausted.isEmpty()) {
            exhaustedSince = null;
        } else {
            if (exhaustedSince == null) {
                exhaustedSince = clock.instant();
                log.warn("{}: {} for {}: no more repairs until the VIP is healthy again", key(),
                        RuleTracker.EXHAUSTED, exhausted);
            }
            active.put(RuleTracker.EXHAUSTED, exhaustedSince);
        }
        outage.ifPresent(o -> active.put(Fleet.DEGRADED, o.since()));
        return new VipStatus(cluster.name(), vip.name(), facts, evaluation, active, tracker.snapshot(), lastRepair,
                List.copyOf(events), cycles, false, silence);
    }
}
