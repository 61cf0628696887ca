package io.vipwatch.cli;

import io.vipwatch.config.ConfigException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vipwatch validate}: loads the config and rules, reports every problem, touches nothing. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check the config and rule files without contacting any host. Exit 0 if valid, 2 if not.")
final class ValidateCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = CheckCommand.DEFAULT_CONFIG,
            description = "Config file (default: ${DEFAULT-VALUE}).")
    Path config;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        try {
            Loaded loaded = Loaded.from(config);
            var alerts = loaded.config().alerts().channels();
            spec.commandLine().getOut().printf("%s: valid (%d cluster(s), %d VIP(s), %d rule(s), %d alert "
                            + "channel(s)%s, %d maintenance window(s))%n",
                    loaded.config().source(), loaded.config().clusters().size(), loaded.config().vipCount(),
                    loaded.rules().rules().size(), alerts.channels().size(),
                    alerts.source().map(p -> " from " + p).orElse(""), loaded.config().maintenance().size());
            return ExitCodes.OK;
        } catch (ConfigException e) {
            spec.commandLine().getErr().println(e.getMessage());
            spec.commandLine().getErr().printf("%d error(s); nothing was run.%n", e.errors().size());
            return ExitCodes.BAD_CONFIG;
        }
    }
}
