package io.vipwatch.cli;

import com.jcraft.jsch.JSchException;
import io.vipwatch.config.ClusterConfig;
import io.vipwatch.config.Config;
import io.vipwatch.config.ConfigException;
import io.vipwatch.config.ConfigLoader;
import io.vipwatch.config.Durations;
import io.vipwatch.config.HostConfig;
import io.vipwatch.config.VipConfig;
import io.vipwatch.remote.MysqlClient;
import io.vipwatch.remote.SshPool;
import io.vipwatch.repair.AuditLog;
import io.vipwatch.repair.Handover;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vipwatch mha}: MHA's {@code master_ip_failover_script} and {@code master_ip_online_change_script} in one.
 * MHA runs the configured command line through {@code /bin/sh} with its own options appended, {@code --key=value},
 * in an order that differs between calls; it waits for the exit with no timeout, reads 0 as done, 10 as "warn and
 * carry on" and anything else as "abort". The work is {@link Handover}'s; this class maps MHA's words onto the
 * config and the verdict onto an exit code.
 *
 * <p>A call is a planned switch (MHA's online change) when MHA passes the options only that script gets
 * ({@code --orig_master_ssh_user}, {@code --new_master_ssh_user}, {@code --orig_master_is_new_slave}, the MySQL
 * users); then an old master that cannot be reached calls the switch off, where in a failover it only warns.
 * Passwords MHA passes are accepted and never used, printed or logged: vipwatch checks SQL with its own
 * {@code mysql} settings.
 */
@Command(name = "mha", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Move the writer VIPs for MHA: use as master_ip_failover_script and "
                + "master_ip_online_change_script, e.g. master_ip_failover_script=\"vipwatch mha -c /etc/vipwatch/"
                + "vipwatch.yml\". MHA appends --command=status|stop|stopssh|start and the hosts.",
                "Hosts are matched to the config by address (or name); the VIPs moved are those of that cluster with "
                        + "expected_holder: writable, or a static expected_holder naming the old master.",
                "Exit codes: 0 done; 10 warning, MHA carries on (stop could not reach the old master in a failover; "
                        + "start added the VIP but SQL through it did not answer from the new master in time); "
                        + "1 abort (status: the master cannot be read; start: the VIP could not be added safely; "
                        + "stop in a planned switch: the VIP could not be removed); 2 bad config or usage."},
        footer = {"", "Every call finishes within --timeout; every SSH connect and command also has its own "
                + "(ssh.connect_timeout, ssh.command_timeout). Every command is written to audit_log."})
final class MhaCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = CheckCommand.DEFAULT_CONFIG,
            description = "Config file (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "20s",
            description = "Limit of the whole call, e.g. 20s or 1m (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = "--vip", paramLabel = "NAME",
            description = "Move only this VIP of the cluster (repeatable); default: the VIPs that follow the master.")
    List<String> onlyVips = new ArrayList<>();

    @Option(names = "--dry-run", description = "Read and check everything; change nothing, audit what would run.")
    boolean dryRun;

    @Option(names = "--command", required = true, paramLabel = "status|stop|stopssh|start",
            description = "What MHA asks for.")
    String command;

    @Option(names = "--orig_master_host", paramLabel = "HOST", description = "The old master, as MHA names it.")
    String origHost;
    @Option(names = "--orig_master_ip", paramLabel = "IP", description = "The old master's address.")
    String origIp;
    @Option(names = "--new_master_host", paramLabel = "HOST", description = "The new master (start).")
    String newHost;
    @Option(names = "--new_master_ip", paramLabel = "IP", description = "The new master's address (start).")
    String newIp;
    @Option(names = "--orig_master_ssh_host", hidden = true)
    String origSshHost;
    @Option(names = "--orig_master_ssh_ip", hidden = true)
    String origSshIp;
    @Option(names = "--new_master_ssh_host", hidden = true)
    String newSshHost;
    @Option(names = "--new_master_ssh_ip", hidden = true)
    String newSshIp;
    @Option(names = "--orig_master_is_new_slave", hidden = true)
    boolean origIsNewSlave;
    /** Only MHA's online change script gets these: their presence makes the call a planned switch. */
    @Option(names = {"--orig_master_ssh_user", "--new_master_ssh_user", "--orig_master_user"}, hidden = true)
    List<String> onlineSwitchOnly = new ArrayList<>();
    /** Accepted so MHA's call parses; never read. vipwatch uses its own SSH and MySQL settings. */
    @Option(names = {"--orig_master_port", "--new_master_port", "--orig_master_ssh_port", "--new_master_ssh_port",
            "--ssh_user", "--ssh_options", "--new_master_user", "--orig_master_password", "--new_master_password"},
            hidden = true)
    List<String> unused = new ArrayList<>();

    @CommandLine.Unmatched
    List<String> unknown = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        String cmd = command.toLowerCase(Locale.ROOT);
        for (String u : unknown) {
            // The name only: an unknown option may well carry a secret.
            say(out, "WARNING: ignoring an option vipwatch does not know: " + u.split("=", 2)[0]);
        }
        if (!List.of("status", "stop", "stopssh", "start").contains(cmd)) {
            say(out, "ERROR: --command must be status, stop, stopssh or start, not '" + command + "'");
            return ExitCodes.BAD_CONFIG;
        }
        Optional<Duration> limit = Durations.parse(timeout).filter(d -> !d.isNegative() && !d.isZero());
        if (limit.isEmpty()) {
            say(out, "ERROR: --timeout takes a duration such as 20s or 1m, not '" + timeout + "'");
            return ExitCodes.BAD_CONFIG;
        }
        Config cfg;
        try {
            // The config only: rules, channels and templates play no part here, and compiling the rules would cost
            // a second or so of JVM start-up that MHA waits through (and, at start, a second without writes).
            cfg = ConfigLoader.withSystemEnvironment().load(config);
        } catch (ConfigException e) {
            say(out, e.getMessage());
            return ExitCodes.BAD_CONFIG;
        }
        Optional<Match> orig = match(cfg, origIp, origHost, origSshIp, origSshHost);
        if (orig.isEmpty()) {
            say(out, "ERROR: the old master (--orig_master_ip=" + Objects.toString(origIp, "") + ", --orig_master_host="
                    + Objects.toString(origHost, "") + ") is no host of " + cfg.source());
            return Handover.Verdict.ABORT.exitCode;
        }
        ClusterConfig cluster = orig.get().cluster();
        Optional<HostConfig> target = Optional.empty();
        if (cmd.equals("start")) {
            target = match(cfg, newIp, newHost, newSshIp, newSshHost).filter(m -> m.cluster() == cluster)
                    .map(Match::host);
            if (target.isEmpty()) {
                say(out, "ERROR: the new master (--new_master_ip=" + Objects.toString(newIp, "")
                        + ", --new_master_host=" + Objects.toString(newHost, "") + ") is no host of cluster '"
                        + cluster.name() + "' in " + cfg.source());
                return Handover.Verdict.ABORT.exitCode;
            }
        }
        List<VipConfig> vips = vips(cluster, orig.get().host());
        if (vips.isEmpty()) {
            say(out, "ERROR: no VIP of cluster '" + cluster.name() + "' follows the master (expected_holder: writable "
                    + "or " + orig.get().host().name() + ")" + (onlyVips.isEmpty() ? "" : " among --vip " + onlyVips));
            return Handover.Verdict.ABORT.exitCode;
        }
        boolean planned = origIsNewSlave || !onlineSwitchOnly.isEmpty();
        say(out, "vipwatch mha --command=" + cmd + (planned ? " (online switch)" : "") + ": cluster " + cluster.name()
                + ", old master " + orig.get().host().name() + target.map(t -> ", new master " + t.name()).orElse("")
                + ", VIPs " + String.join(", ", vips.stream().map(VipConfig::name).toList())
                + (dryRun ? ", dry run" : ""));
        HostConfig old = orig.get().host();
        Optional<HostConfig> to = target;
        // The handover bounds each of its steps by what is left of the budget, but an SSH login waits its own
        // connect_timeout: the call as a whole is cut at the budget here, whatever a step is waiting for.
        FutureTask<Handover.Outcome> work = new FutureTask<>(() -> {
            try (SshPool ssh = new SshPool(cfg.ssh()); AuditLog audit = new AuditLog(cfg.service().auditLog())) {
                Handover handover = new Handover(cfg, ssh, new MysqlClient(cfg.mysql()), audit, Clock.systemUTC(),
                        "mha-" + cmd, limit.get(), dryRun);
                return switch (cmd) {
                    case "status" -> handover.status(cluster, vips, old);
                    case "start" -> handover.start(cluster, vips, Optional.of(old), to.orElseThrow());
                    default -> handover.stop(cluster, vips, old, planned);
                };
            }
        });
        Thread worker = new Thread(work, "vipwatch-mha");
        worker.setDaemon(true);
        worker.start();
        Handover.Outcome outcome;
        try {
            outcome = work.get(limit.get().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // A failover's stop must not block MHA: the old master is the one that may not answer.
            Handover.Verdict v = cmd.startsWith("stop") && !planned ? Handover.Verdict.WARNING : Handover.Verdict.ABORT;
            say(out, "WARNING: not done within --timeout " + timeout + "; giving up (what ran is in the audit log)");
            say(out, "exit " + v.exitCode + " (" + v.name().toLowerCase(Locale.ROOT) + ")");
            return v.exitCode;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            say(out, "ERROR: " + (cause instanceof JSchException || cause instanceof IOException ? cause.getMessage()
                    : String.valueOf(cause)));
            return Handover.Verdict.ABORT.exitCode;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Handover.Verdict.ABORT.exitCode;
        }
        outcome.lines().forEach(l -> say(out, l));
        say(out, "exit " + outcome.verdict().exitCode + " (" + outcome.verdict().name().toLowerCase(Locale.ROOT) + ")");
        return outcome.verdict().exitCode;
    }

    private List<VipConfig> vips(ClusterConfig cluster, HostConfig master) {
        if (onlyVips.isEmpty()) {
            return Handover.followingMaster(cluster, master);
        }
        return cluster.vips().stream().filter(v -> onlyVips.contains(v.name())).toList();
    }

    record Match(ClusterConfig cluster, HostConfig host) {
    }

    /** The configured host MHA means: by address first (MHA passes the resolved IP), then by name. */
    static Optional<Match> match(Config config, String... ipOrNames) {
        List<String> given = Stream.of(ipOrNames).filter(Objects::nonNull).filter(s -> !s.isBlank()).toList();
        for (String g : given) {
            for (ClusterConfig c : config.clusters()) {
                for (HostConfig h : c.hosts()) {
                    if (h.ip().equals(g)) {
                        return Optional.of(new Match(c, h));
                    }
                }
            }
        }
        for (String g : given) {
            for (ClusterConfig c : config.clusters()) {
                for (HostConfig h : c.hosts()) {
                    if (h.name().equals(g)) {
                        return Optional.of(new Match(c, h));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** One line for MHA's log, which has no timestamps of its own for the script's output. */
    private static void say(PrintWriter out, String line) {
        out.println(Instant.now() + " vipwatch: " + line);
        out.flush();
    }
}
