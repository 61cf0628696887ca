package io.vipwatch.cli;

import com.jcraft.jsch.JSchException;
import io.vipwatch.config.Config;
import io.vipwatch.fleet.SharedDocuments;
import io.vipwatch.config.ConfigException;
import io.vipwatch.config.ConfigLoader;
import io.vipwatch.config.Durations;
import io.vipwatch.config.VipConfig;
import io.vipwatch.remote.MysqlClient;
import io.vipwatch.remote.SshPool;
import io.vipwatch.repair.AuditLog;
import io.vipwatch.repair.Handover;
import io.vipwatch.repair.HandoverRequest;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
                        + "expected_holder: writable, or those named with --vip.",
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
            description = "Move this VIP of the cluster (repeatable); default: its VIPs with "
                    + "expected_holder: writable.")
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
        Optional<Duration> limit = Durations.parse(timeout).filter(d -> !d.isNegative() && !d.isZero());
        if (limit.isEmpty()) {
            say(out, "ERROR: --timeout takes a duration such as 20s or 1m, not '" + timeout + "'");
            return ExitCodes.BAD_CONFIG;
        }
        if (!HandoverRequest.COMMANDS.contains(cmd)) {
            say(out, "ERROR: --command must be status, stop, stopssh or start, not '" + command + "'");
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
        boolean planned = origIsNewSlave || !onlineSwitchOnly.isEmpty();
        HandoverRequest request = new HandoverRequest(cmd, Arrays.asList(origIp, origSshIp, origHost, origSshHost),
                Arrays.asList(newIp, newSshIp, newHost, newSshHost), planned, onlyVips, limit.get(), dryRun);
        HandoverRequest.Resolved resolved;
        try {
            resolved = request.resolve(cfg);
        } catch (IllegalArgumentException e) {
            say(out, "ERROR: " + e.getMessage());
            return Handover.Verdict.ABORT.exitCode;
        }
        say(out, "vipwatch mha --command=" + cmd + (planned ? " (online switch)" : "") + ": cluster "
                + resolved.cluster().name() + ", old master " + resolved.oldMaster().name()
                + resolved.newMaster().map(t -> ", new master " + t.name()).orElse("") + ", VIPs "
                + String.join(", ", resolved.vips().stream().map(VipConfig::name).toList())
                + (dryRun ? ", dry run" : ""));
        Optional<Handover.Outcome> outcome = ServiceHandoff.tryService(cfg, request, l -> say(out, l));
        if (outcome.isEmpty()) {
            outcome = runHere(cfg, request, resolved, out);
        }
        Handover.Verdict v = outcome.map(Handover.Outcome::verdict).orElse(request.onTimeout());
        outcome.ifPresent(o -> o.lines().forEach(l -> say(out, l)));
        say(out, "exit " + v.exitCode + " (" + v.name().toLowerCase(Locale.ROOT) + ")");
        return v.exitCode;
    }

    /** Does the work in this process; empty when it ran out of --timeout (said on {@code out}). */
    private Optional<Handover.Outcome> runHere(Config cfg, HandoverRequest request, HandoverRequest.Resolved resolved,
                                               PrintWriter out) {
        // The handover bounds each of its steps by what is left of the budget, but an SSH login waits its own
        // connect_timeout: the call as a whole is cut at the budget here, whatever a step is waiting for.
        FutureTask<Handover.Outcome> work = new FutureTask<>(() -> {
            try (SshPool ssh = new SshPool(cfg.ssh()); AuditLog audit = new AuditLog(cfg.service().auditLog())) {
                return request.run(new Handover(cfg, ssh, new MysqlClient(cfg.mysql()), audit,
                        SharedDocuments.handovers(cfg, Clock.systemUTC()), Clock.systemUTC(),
                        "mha-" + request.command(), request.budget(), request.dryRun()), resolved);
            }
        });
        Thread worker = new Thread(work, "vipwatch-mha");
        worker.setDaemon(true);
        worker.start();
        try {
            return Optional.of(work.get(request.budget().toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            say(out, "WARNING: not done within --timeout " + timeout + "; giving up (what ran is in the audit log)");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            say(out, "ERROR: " + (cause instanceof JSchException || cause instanceof IOException ? cause.getMessage()
                    : String.valueOf(cause)));
            return Optional.of(new Handover.Outcome(Handover.Verdict.ABORT, List.of()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Optional.empty();
    }

    /** One line for MHA's log, which has no timestamps of its own for the script's output. */
    private static void say(PrintWriter out, String line) {
        out.println(Instant.now() + " vipwatch: " + line);
        out.flush();
    }
}
