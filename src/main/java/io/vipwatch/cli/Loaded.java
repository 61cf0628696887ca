package io.vipwatch.cli;

import io.vipwatch.config.Config;
import io.vipwatch.config.ConfigException;
import io.vipwatch.config.ConfigLoader;
import io.vipwatch.rule.RuleLoader;
import io.vipwatch.rule.RuleSet;
import java.nio.file.Path;

/** A validated config and its compiled rules: what every command needs before it may touch anything. */
record Loaded(Config config, RuleSet rules) {
    static Loaded from(Path configFile) throws ConfigException {
        Config config = ConfigLoader.withSystemEnvironment().load(configFile);
        RuleLoader loader = new RuleLoader();
        RuleSet rules = config.rulesPath().isPresent() ? loader.load(config.rulesPath().get()) : loader.loadBundled();
        return new Loaded(config, rules);
    }
}
