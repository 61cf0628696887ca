package io.vipwatch.service;

import io.vipwatch.probe.VipFacts;
import io.vipwatch.repair.RepairOutcome;
import io.vipwatch.rule.Evaluation;
import io.vipwatch.rule.RuleTracker;
import io.vipwatch.silence.ActiveSilence;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the service knows about one VIP after its latest cycle: an immutable snapshot for the status API.
 *
 * @param problems    active (fired) problems → since when, including {@code repair-exhausted}
 * @param lastRepair  the most recent repair of this VIP, if any
 * @param events      the latest fired/resolved transitions, newest last
 * @param repairing   a repair of this VIP is running right now
 * @param silence     the silence or maintenance window in force: alerts held back, repairs suspended
 */
public record VipStatus(String cluster, String vip, VipFacts facts, Evaluation evaluation,
                        Map<String, Instant> problems, List<RuleTracker.RuleStatus> rules,
                        Optional<RepairOutcome> lastRepair, List<RuleTracker.Transition> events, long cycles,
                        boolean repairing, Optional<ActiveSilence> silence) {
    public VipStatus {
        problems = Map.copyOf(problems);
        rules = List.copyOf(rules);
        events = List.copyOf(events);
    }

    VipStatus repairing(boolean now) {
        return now == repairing ? this
                : new VipStatus(cluster, vip, facts, evaluation, problems, rules, lastRepair, events, cycles, now,
                silence);
    }
}
