package io.vipwatch.cli;

import io.vipwatch.alert.DeliveryException;
import io.vipwatch.alert.Notification;
import io.vipwatch.alert.NotificationFactory;
import io.vipwatch.alert.Sender;
import io.vipwatch.alert.ThisHost;
import io.vipwatch.config.AlertChannel;
import io.vipwatch.config.Config;
import io.vipwatch.config.ConfigException;
import io.vipwatch.config.ConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vipwatch alert test}: proves that the alert channels reach someone, before an incident does. */
@Command(name = "alert", mixinStandardHelpOptions = true,
        description = "Alert channels (alerts.channels in the config).",
        subcommands = {AlertCommand.Test.class})
final class AlertCommand {
    @Command(name = "test", mixinStandardHelpOptions = true,
            description = {"Send a test notification to every alert channel (or the ones named) right now, "
                    + "without the outbox or retries, and say for each whether it was accepted.",
                    "Alertmanager channels get an info alert 'vipwatch-test' that ends by itself after a minute."},
            footer = {"", "Exit codes: 0 every channel accepted it, 1 a channel failed, 2 bad config or usage."})
    static final class Test implements Callable<Integer> {
        @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = CheckCommand.DEFAULT_CONFIG,
                description = "Config file (default: ${DEFAULT-VALUE}).")
        Path config;

        @Option(names = "--channel", paramLabel = "NAME", description = "Only this channel (repeatable).")
        List<String> only = new ArrayList<>();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Config loaded;
            try {
                loaded = ConfigLoader.withSystemEnvironment().load(config);
            } catch (ConfigException e) {
                err.println(e.getMessage());
                err.printf("%d error(s); nothing was sent.%n", e.errors().size());
                return ExitCodes.BAD_CONFIG;
            }
            Map<String, AlertChannel> channels = loaded.alerts().channels().channels();
            if (channels.isEmpty()) {
                err.println(config + ": no alert channels configured (alerts.channels)");
                return ExitCodes.BAD_CONFIG;
            }
            for (String name : only) {
                if (!channels.containsKey(name)) {
                    err.println("no channel '" + name + "' (channels: " + String.join(", ", channels.keySet()) + ")");
                    return ExitCodes.BAD_CONFIG;
                }
            }
            int failed = 0;
            for (AlertChannel channel : channels.values()) {
                if (!only.isEmpty() && !only.contains(channel.name())) {
                    continue;
                }
                Notification n = NotificationFactory.test(channel, Instant.now(), ThisHost.name());
                long start = System.nanoTime();
                try {
                    Sender.forChannel(channel).send(n);
                    out.printf("%s: accepted in %d ms (id %s)%n", channel.name(),
                            (System.nanoTime() - start) / 1_000_000, n.id());
                } catch (DeliveryException e) {
                    failed++;
                    out.printf("%s: FAILED after %d ms: %s%n", channel.name(),
                            (System.nanoTime() - start) / 1_000_000, e.getMessage());
                }
                out.flush();
            }
            return failed == 0 ? ExitCodes.OK : ExitCodes.PROBLEMS;
        }
    }
}
