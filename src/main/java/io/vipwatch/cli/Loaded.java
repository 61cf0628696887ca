package io.vipwatch.cli;

import io.vipwatch.config.Config;
import io.vipwatch.config.ConfigException;
import io.vipwatch.config.ConfigLoader;
import io.vipwatch.rule.RuleLoader;
import io.vipwatch.rule.RuleSet;
import io.vipwatch.config.ConfigError;
import io.vipwatch.repair.RepairPlans;
import io.vipwatch.rule.Rule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A validated config with its compiled rules and repair plans: what every command needs before it may touch
 * anything. A rule whose {@code repair} names no plan is a config error.
 */
record Loaded(Config config, RuleSet rules, RepairPlans plans) {
    static Loaded from(Path configFile) throws ConfigException {
        Config config = ConfigLoader.withSystemEnvironment().load(configFile);
        RuleLoader loader = new RuleLoader();
        RuleSet rules = config.rulesPath().isPresent() ? loader.load(config.rulesPath().get()) : loader.loadBundled();
        RepairPlans own = config.rulesPath().isPresent() ? RepairPlans.load(config.rulesPath().get()) : null;
        // rules of one's own without plans of one's own: the stock plans
        RepairPlans plans = own != null && !own.names().isEmpty() ? own : RepairPlans.loadBundled();
        List<ConfigError> errors = new ArrayList<>();
        for (Rule rule : rules.rules()) {
            rule.lifecycle().repair().filter(p -> plans.get(p).isEmpty()).ifPresent(p -> errors.add(new ConfigError(
                    rule.origin().file(), rule.origin().line(), "repair", "rule " + rule.name() + " names plan '"
                    + p + "', which is not defined (plans: " + String.join(", ", plans.names()) + ")")));
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return new Loaded(config, rules, plans);
    }
}
