package io.vipwatch.cli;

import io.vipwatch.alert.Templates;
import io.vipwatch.config.AlertChannel;
import io.vipwatch.config.Config;
import io.vipwatch.config.ConfigError;
import io.vipwatch.config.ConfigException;
import io.vipwatch.config.ConfigLoader;
import io.vipwatch.repair.RepairPlans;
import io.vipwatch.rule.Rule;
import io.vipwatch.rule.RuleLoader;
import io.vipwatch.rule.RuleSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A validated config with its compiled rules and repair plans: what every command needs before it may touch
 * anything. A rule whose {@code repair} names no plan, or whose {@code alert} names no channel, is a config error;
 * so is a template that does not compile. Templates are compiled only when there are channels to render for (and
 * then always, so {@code validate} catches a broken one), which keeps {@code check} fast.
 */
record Loaded(Config config, RuleSet rules, RepairPlans plans, Optional<Templates> templates) {
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
        Map<String, AlertChannel> channels = config.alerts().channels().channels();
        for (Rule rule : rules.rules()) {
            for (String channel : rule.lifecycle().alerts().orElse(List.of())) {
                if (!channels.containsKey(channel)) {
                    errors.add(new ConfigError(rule.origin().file(), rule.origin().line(), "alert", "rule "
                            + rule.name() + " names alert channel '" + channel + "', which is not defined ("
                            + (channels.isEmpty() ? "no alerts.channels file is configured in " + config.source()
                            : "channels: " + String.join(", ", channels.keySet())) + ")"));
                }
            }
        }
        Optional<Templates> templates = Optional.empty();
        if (!channels.isEmpty()) {
            try {
                templates = Optional.of(Templates.load(config.alerts().templates()));
            } catch (ConfigException e) {
                errors.addAll(e.errors());
            }
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return new Loaded(config, rules, plans, templates);
    }
}
