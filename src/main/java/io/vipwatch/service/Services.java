package io.vipwatch.service;

import io.vipwatch.config.Config;
import io.vipwatch.fleet.Fleet;
import io.vipwatch.metrics.Metrics;
import io.vipwatch.probe.LiveLocations;
import io.vipwatch.probe.ProbeCycle;
import io.vipwatch.repair.RepairPlans;
import io.vipwatch.repair.Repairer;
import io.vipwatch.rule.RuleSet;
import io.vipwatch.silence.Suspensions;
import io.vipwatch.state.Handovers;
import java.util.Optional;
import java.util.concurrent.Semaphore;

/**
 * What every VIP's cycle shares: the config, rules and plans, the probe machinery (with the hosts' interfaces as
 * address events keep them), the repair limits, the silences, the handovers, and alerting (empty when no channel is
 * configured), and the fleet of instances that share the VIPs (a {@link io.vipwatch.fleet.Solo} one by default).
 */
record Services(Config config, RuleSet rules, RepairPlans plans, ProbeCycle cycle, ProbeCycle.HostViews sharedViews,
                LiveLocations live, Repairer repairer, Semaphore repairSlots, boolean dryRun, Suspensions suspensions,
                Handovers handovers, Optional<Alerting> alerting, Metrics metrics, Fleet fleet) {
}
