package io.vipwatch.cli;

import com.jcraft.jsch.JSchException;
import io.vipwatch.config.ConfigException;
import io.vipwatch.fleet.SharedDocuments;
import io.vipwatch.probe.LiveLocations;
import io.vipwatch.probe.ProbeCycle;
import io.vipwatch.probe.ProbeThreads;
import io.vipwatch.probe.VipFacts;
import io.vipwatch.remote.LocalExec;
import io.vipwatch.remote.MysqlClient;
import io.vipwatch.remote.SshPool;
import io.vipwatch.rule.Evaluation;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.vipwatch.report.CheckedVip;
import io.vipwatch.report.JsonReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vipwatch check}: one probe cycle over every VIP, then a report. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Probe every VIP once and report where it lives and what is wrong with it.",
                "Exit 0 if every VIP is healthy, 1 if any has a problem, 2 if the config is invalid."})
final class CheckCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(CheckCommand.class);
    static final String DEFAULT_CONFIG = "/etc/vipwatch/vipwatch.yml";

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = DEFAULT_CONFIG,
            description = "Config file (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = "--json", description = "Print the facts and problems as JSON instead of a table.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws JSchException {
        PrintWriter out = spec.commandLine().getOut();
        long loadStart = System.nanoTime();
        Loaded loaded;
        try {
            loaded = Loaded.from(config);
        } catch (ConfigException e) {
            spec.commandLine().getErr().println(e.getMessage());
            spec.commandLine().getErr().printf("%d error(s); nothing was probed.%n", e.errors().size());
            return ExitCodes.BAD_CONFIG;
        }
        long start = System.nanoTime();
        log.debug("config and {} rules loaded in {} ms", loaded.rules().rules().size(), (start - loadStart) / 1_000_000);
        List<CheckedVip> results = new ArrayList<>();
        try (ProbeThreads threads = ProbeThreads.forConfig(loaded.config());
             SshPool ssh = new SshPool(loaded.config().ssh());
             ProbeCycle cycle = new ProbeCycle(loaded.config(), ssh, new LocalExec(),
                     new MysqlClient(loaded.config().mysql()), threads, Clock.systemUTC(), new LiveLocations(),
                     false, SharedDocuments.handovers(loaded.config(), Clock.systemUTC()))) {
            for (VipFacts facts : cycle.run()) {
                Evaluation evaluation = loaded.rules().evaluate(facts);
                results.add(new CheckedVip(facts, evaluation));
            }
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        log.debug("probe cycle and rules done in {} ms", elapsed.toMillis());
        if (json) {
            out.println(JsonReport.render(results, elapsed));
        } else {
            TableReport.render(out, loaded.config().source(), results, elapsed);
        }
        out.flush();
        return results.stream().allMatch(r -> r.evaluation().healthy()) ? ExitCodes.OK : ExitCodes.PROBLEMS;
    }
}
