package io.vipwatch.service;

import io.vipwatch.config.Config;
import io.vipwatch.probe.ProbeCycle;
import io.vipwatch.repair.RepairPlans;
import io.vipwatch.repair.Repairer;
import io.vipwatch.rule.RuleSet;
import java.util.concurrent.Semaphore;

/** What every VIP's cycle shares: the config, rules and plans, the probe machinery and the repair limits. */
record Services(Config config, RuleSet rules, RepairPlans plans, ProbeCycle cycle, ProbeCycle.HostViews sharedViews,
                Repairer repairer, Semaphore repairSlots, boolean dryRun) {
}
