package io.vipwatch.rule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rules of one VIP over time: when each fires and resolves, and whether it may repair now.
 *
 * <p>Design: a rule fires after its condition held {@code for} consecutive cycles and resolves after it was false
 * {@code clear_for} cycles; an undecided cycle (a fact was unknown) neither advances nor resets either count, so an
 * SSH timeout can neither raise nor clear a problem. Repairs are gated per rule by {@code cooldown} and by
 * {@code max_attempts} within {@code window}: when the limit is reached while the rule still fires, the tracker
 * raises {@link #EXHAUSTED} and allows no repair of that rule until the VIP has been seen healthy, which also
 * forgets past attempts. Healthy cycles between two attempts do not: a fault that keeps coming back is exactly
 * what the limit is for.
 *
 * <p>Not thread-safe: a VIP's cycles never overlap (the scheduler guarantees it), and readers get
 * {@link #snapshot()} copies. Time comes from the injected {@link Clock}.
 */
public final class RuleTracker {
    /** The problem the tracker itself raises when a rule used up its repair attempts. */
    public static final String EXHAUSTED = "repair-exhausted";

    /** A rule started or stopped firing. */
    public record Transition(String rule, boolean fired, Instant at) {
    }

    /** A copy of one rule's state for the status API. */
    public record RuleStatus(String rule, boolean firing, Instant since, int trueStreak, int falseStreak,
                             int attemptsInWindow, Optional<Instant> lastAttempt, boolean exhausted) {
    }

    private final Map<String, Rule> rules = new LinkedHashMap<>();
    private final Map<String, State> states = new LinkedHashMap<>();
    private final Clock clock;

    public RuleTracker(RuleSet ruleSet, Clock clock) {
        this.clock = clock;
        for (Rule r : ruleSet.rules()) {
            rules.put(r.name(), r);
            states.put(r.name(), new State());
        }
    }

    private static final class State {
        int trueStreak;
        int falseStreak;
        boolean firing;
        Instant since;
        final Deque<Instant> attempts = new ArrayDeque<>();
        boolean exhausted;
    }

    /** Feeds one cycle's evaluation; returns the rules that fired or resolved in this cycle. */
    public List<Transition> update(Evaluation evaluation) {
        return update(evaluation, rule -> true);
    }

    /**
     * Feeds part of a cycle's evaluation: only the rules {@code which} accepts. A cycle may be fed in parts —
     * the rules each snapshot of its facts decided, then the rest — so that each rule still counts once per cycle.
     */
    public List<Transition> update(Evaluation evaluation, java.util.function.Predicate<String> which) {
        Instant now = clock.instant();
        List<Transition> transitions = new ArrayList<>();
        List<String> firingNow = evaluation.problems().stream().map(Problem::name).toList();
        for (Map.Entry<String, State> e : states.entrySet()) {
            String name = e.getKey();
            if (!which.test(name)) {
                continue;
            }
            State s = e.getValue();
            Lifecycle life = rules.get(name).lifecycle();
            if (firingNow.contains(name)) {
                s.trueStreak++;
                s.falseStreak = 0;
                if (!s.firing && s.trueStreak >= life.forCycles()) {
                    s.firing = true;
                    s.since = now;
                    transitions.add(new Transition(name, true, now));
                }
            } else if (!evaluation.undecided().contains(name)) {
                s.falseStreak++;
                s.trueStreak = 0;
                if (s.firing && s.falseStreak >= life.clearFor()) {
                    s.firing = false;
                    s.since = now;
                    transitions.add(new Transition(name, false, now));
                }
            }
        }
        boolean anyExhausted = states.values().stream().anyMatch(s -> s.exhausted);
        if (anyExhausted && evaluation.healthy() && evaluation.undecided().isEmpty()) {
            states.values().forEach(s -> {
                s.exhausted = false;
                s.attempts.clear();
            });
        }
        return transitions;
    }

    /** Rules that fire now, in rule order. */
    public List<Rule> firing() {
        return rules.values().stream().filter(r -> states.get(r.name()).firing).toList();
    }

    /**
     * Whether the rule may start a repair now: it fires, has a plan, is past its cooldown and has attempts left.
     * When the attempts are used up this marks the rule exhausted (see {@link #exhausted()}).
     */
    public boolean mayRepair(Rule rule) {
        State s = states.get(rule.name());
        Lifecycle life = rule.lifecycle();
        if (!s.firing || life.repair().isEmpty() || s.exhausted) {
            return false;
        }
        Instant now = clock.instant();
        prune(s, life.window(), now);
        if (s.attempts.size() >= life.maxAttempts()) {
            s.exhausted = true;
            return false;
        }
        Instant last = s.attempts.peekLast();
        return last == null || !now.isBefore(last.plus(life.cooldown()));
    }

    /** Records that a repair of {@code rule} was started now (whatever its outcome). */
    public void recordAttempt(Rule rule) {
        states.get(rule.name()).attempts.addLast(clock.instant());
    }

    /** Rules that used up their repair attempts and still fire: each is reported as {@value #EXHAUSTED}. */
    public List<String> exhausted() {
        return states.entrySet().stream().filter(e -> e.getValue().exhausted && e.getValue().firing)
                .map(Map.Entry::getKey).toList();
    }

    public List<RuleStatus> snapshot() {
        Instant now = clock.instant();
        List<RuleStatus> out = new ArrayList<>();
        states.forEach((name, s) -> {
            prune(s, rules.get(name).lifecycle().window(), now);
            out.add(new RuleStatus(name, s.firing, s.since, s.trueStreak, s.falseStreak, s.attempts.size(),
                    Optional.ofNullable(s.attempts.peekLast()), s.exhausted));
        });
        return out;
    }

    /** One rule's state as carried from one instance to another ({@code scheduler.store: jdbc}). */
    public record Saved(int trueStreak, int falseStreak, boolean firing, Instant since, List<Instant> attempts,
                        boolean exhausted) {
        public Saved {
            attempts = List.copyOf(attempts);
        }
    }

    /** Every rule's state, to continue from elsewhere with {@link #restore(Map)}. */
    public Map<String, Saved> save() {
        Map<String, Saved> out = new LinkedHashMap<>();
        states.forEach((name, s) -> out.put(name, new Saved(s.trueStreak, s.falseStreak, s.firing, s.since,
                List.copyOf(s.attempts), s.exhausted)));
        return out;
    }

    /**
     * Continues from state another instance saved. Rules it does not name start afresh (a rule added since), and
     * rules it names that no longer exist are dropped.
     */
    public void restore(Map<String, Saved> saved) {
        states.forEach((name, s) -> {
            Saved v = saved.get(name);
            s.trueStreak = v == null ? 0 : v.trueStreak();
            s.falseStreak = v == null ? 0 : v.falseStreak();
            s.firing = v != null && v.firing();
            s.since = v == null ? null : v.since();
            s.attempts.clear();
            if (v != null) {
                s.attempts.addAll(v.attempts());
            }
            s.exhausted = v != null && v.exhausted();
        });
    }

    private static void prune(State s, Duration window, Instant now) {
        while (!s.attempts.isEmpty() && s.attempts.peekFirst().isBefore(now.minus(window))) {
            s.attempts.removeFirst();
        }
    }
}
