package io.vipwatch.cli;

import io.vipwatch.config.ClusterConfig;
import io.vipwatch.config.Config;
import io.vipwatch.fleet.SharedDocuments;
import io.vipwatch.config.ConfigException;
import io.vipwatch.config.ConfigLoader;
import io.vipwatch.config.Durations;
import io.vipwatch.config.VipConfig;
import io.vipwatch.silence.MaintenanceSchedule;
import io.vipwatch.silence.Silence;
import io.vipwatch.silence.SilenceListing;
import io.vipwatch.silence.SilenceStore;
import io.vipwatch.silence.UnknownSilenceException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code vipwatch silence add|list|expire}: operators' silences, kept in {@code <state_dir>/silences.json}, which a
 * running service re-reads every probe cycle. The command is deliberately not runnable itself, so that
 * {@code vipwatch silence} alone is a usage error (exit 2) naming the subcommands.
 */
@Command(name = "silence", mixinStandardHelpOptions = true,
        description = {"Hold back alerts and suspend repairs for a cluster or one VIP for a while, e.g. during a "
                + "planned switchover.",
                "Silences live in <state_dir>/silences.json and survive restarts; a running service sees a change "
                        + "at its next probe cycle."},
        subcommands = {SilenceCommand.Add.class, SilenceCommand.ListSilences.class, SilenceCommand.Expire.class},
        footer = {"", "Exit codes: 0 done, 2 bad config or usage (nothing was changed), 3 the state file could not "
                + "be read or written."})
final class SilenceCommand {
    static final Duration MIN_LENGTH = Duration.ofMinutes(1);
    static final Duration MAX_LENGTH = Duration.ofDays(30);
    private static final DateTimeFormatter FULL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z",
            Locale.ROOT);

    final Clock clock;
    final ZoneId zone;

    SilenceCommand() {
        this(Clock.systemUTC(), ZoneId.systemDefault());
    }

    /** For tests: a fixed clock, and the zone local times are shown in. */
    SilenceCommand(Clock clock, ZoneId zone) {
        this.clock = clock;
        this.zone = zone;
    }

    /** {@code -c/--config}, as every command has it. */
    static final class ConfigOption {
        @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = CheckCommand.DEFAULT_CONFIG,
                description = "Config file (default: ${DEFAULT-VALUE}); gives the clusters, VIPs, maintenance "
                        + "windows and where silences are kept: state_dir, or a fleet's job store (scheduler).")
        Path file;
    }

    /** What each subcommand shares: loading the config and reporting errors the way the other commands do. */
    abstract static class Sub implements Callable<Integer> {
        @ParentCommand
        SilenceCommand parent;

        @Mixin
        ConfigOption config;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public final Integer call() {
            Config loaded;
            try {
                loaded = ConfigLoader.withSystemEnvironment().load(config.file);
            } catch (ConfigException e) {
                err().println(e.getMessage());
                err().printf("%d error(s); nothing was changed.%n", e.errors().size());
                return ExitCodes.BAD_CONFIG;
            }
            SilenceStore store = SharedDocuments.silences(loaded, parent.clock);
            try {
                return run(loaded, store);
            } catch (IOException e) {
                err().printf("%s: %s%n", spec.qualifiedName(" "), describe(e));
                return ExitCodes.INTERNAL;
            }
        }

        /** {@code AccessDeniedException.getMessage()} is only the path; say what happened to it. */
        private static String describe(IOException e) {
            if (e instanceof AccessDeniedException a) {
                return "permission denied: " + a.getFile() + " (run as root, or as the user vipwatch runs as)";
            }
            if (e instanceof FileAlreadyExistsException f) { // from creating the state directory
                return f.getFile() + ": exists but is not a directory (state_dir)";
            }
            if (e instanceof FileSystemException f) {
                String what = f.getReason() != null ? f.getReason()
                        : e.getClass().getSimpleName().replaceFirst("Exception$", "");
                return f.getFile() + ": " + what;
            }
            return e.getMessage();
        }

        abstract int run(Config config, SilenceStore store) throws IOException;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        PrintWriter err() {
            return spec.commandLine().getErr();
        }

        int usage(String message) {
            err().println(message);
            return ExitCodes.BAD_CONFIG;
        }

        /** {@code 2025-06-01 16:02:05 CEST (2025-06-01 14:02:05 UTC)}; just the first where local time is UTC. */
        String localAndUtc(Instant t) {
            String local = FULL_TIME.format(t.atZone(parent.zone));
            return parent.zone.normalized().equals(ZoneOffset.UTC) ? local
                    : local + " (" + FULL_TIME.format(t.atZone(ZoneId.of("UTC"))) + ")";
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Silence a cluster, or one VIP of it, from now for a while: its alerts are held back and "
                    + "its repairs suspended.", "Prints the new silence's id, which `silence expire` takes."})
    static final class Add extends Sub {
        @Option(names = "--cluster", required = true, paramLabel = "CLUSTER", description = "A configured cluster.")
        String cluster;

        @Option(names = "--vip", paramLabel = "VIP", description = "One VIP of the cluster (default: all of them).")
        Optional<String> vip;

        @Option(names = "--for", required = true, paramLabel = "DURATION",
                description = "How long, from 1m to 720h (30 days): 30m, 2h, 48h.")
        String length;

        @Option(names = "--reason", required = true, paramLabel = "TEXT",
                description = "Why, for whoever sees the silence (one line).")
        String reason;

        @Override
        int run(Config config, SilenceStore store) throws IOException {
            Optional<ClusterConfig> c = config.clusters().stream().filter(x -> x.name().equals(cluster)).findFirst();
            if (c.isEmpty()) {
                return usage("--cluster: no cluster '" + cluster + "' in " + config.source() + " (clusters: "
                        + String.join(", ", config.clusters().stream().map(ClusterConfig::name).toList()) + ")");
            }
            List<String> vips = c.get().vips().stream().map(VipConfig::name).toList();
            if (vip.isPresent() && !vips.contains(vip.get())) {
                return usage("--vip: cluster '" + cluster + "' has no VIP '" + vip.get() + "' (VIPs: "
                        + String.join(", ", vips) + "; leave --vip out to silence them all)");
            }
            Optional<Duration> d = Durations.parse(length);
            if (d.isEmpty() || d.get().compareTo(MIN_LENGTH) < 0 || d.get().compareTo(MAX_LENGTH) > 0) {
                return usage("--for: expected a duration from " + Durations.format(MIN_LENGTH) + " to "
                        + Durations.format(MAX_LENGTH) + " such as 30m or 2h, found '" + length + "'");
            }
            if (reason.isBlank() || reason.chars().anyMatch(Character::isISOControl)) {
                return usage("--reason: expected one line of text, found '" + reason.replace("\n", "\\n") + "'");
            }
            Silence s = store.add(cluster, vip, d.get(), reason.strip(), createdBy());
            out().printf("Silenced %s for %s: alerts held back, repairs suspended.%n", s.scope(),
                    Durations.format(d.get()));
            out().printf("  id      %s%n  until   %s%n  reason  %s%n", s.id(), localAndUtc(s.endsAt()), s.reason());
            out().printf("End it early with: vipwatch silence expire %s%n", s.id());
            return ExitCodes.OK;
        }

        /** The login, and who it really is when run through sudo. */
        private static String createdBy() {
            String user = System.getProperty("user.name", "unknown");
            String sudoUser = System.getenv("SUDO_USER");
            return sudoUser == null || sudoUser.isBlank() || sudoUser.equals(user) ? user
                    : sudoUser + " (sudo " + user + ")";
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"Show the active silences, and the configured maintenance windows with their current "
                    + "or next occurrence."})
    static final class ListSilences extends Sub {
        @Option(names = "--all", description = "Include silences that ended (by time or expire) in the last 7 days.")
        boolean all;

        @Option(names = "--json", description = "Print JSON (times in UTC) instead of tables.")
        boolean json;

        @Override
        int run(Config config, SilenceStore store) throws IOException {
            Instant now = parent.clock.instant();
            List<Silence> silences = store.list().stream().filter(s -> all || s.activeAt(now)).toList();
            SilenceListing listing = new SilenceListing(silences, MaintenanceSchedule.of(config.maintenance()), now);
            if (json) {
                out().println(listing.json(store.where(), config.source()));
            } else {
                listing.table(out(), store.where(), config.source(), all, parent.zone);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "expire", mixinStandardHelpOptions = true,
            description = {"End a silence now; alerts and repairs for its VIPs resume at the next probe cycle.",
                    "A silence that has already ended is left as it was (exit 0)."})
    static final class Expire extends Sub {
        @Parameters(paramLabel = "ID", description = "The silence's id, as `silence add` or `silence list` show it.")
        String id;

        @Override
        int run(Config config, SilenceStore store) throws IOException {
            SilenceStore.Expired result;
            try {
                result = store.expire(id.strip().toLowerCase(Locale.ROOT));
            } catch (UnknownSilenceException e) {
                return usage(e.getMessage());
            }
            Silence s = result.silence();
            if (result.wasAlreadyOver()) {
                out().printf("Silence %s (%s) had already ended at %s; nothing changed.%n", s.id(), s.scope(),
                        localAndUtc(s.end()));
            } else {
                out().printf("Expired silence %s (%s, \"%s\", set by %s).%n", s.id(), s.scope(), s.reason(),
                        s.createdBy());
                out().printf("Alerts and repairs for %s resume at the next probe cycle, unless another silence or "
                        + "a maintenance window covers them (see vipwatch silence list).%n", s.scope());
            }
            return ExitCodes.OK;
        }
    }
}
