package io.vipwatch.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vipwatch.config.ConfigException;
import io.vipwatch.metrics.Metrics;
import io.vipwatch.report.JsonReport;
import io.vipwatch.service.ControlToken;
import io.vipwatch.service.StatusServer;
import io.vipwatch.service.Watchdog;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vipwatch run}: the long-running service. SIGTERM/SIGINT finish the repairs in flight, close SSH sessions
 * and exit 0; SIGHUP or a change of the config file re-validates and swaps the new config in, keeping the old one
 * running (and saying why) when the new one is invalid.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the watchdog service: probe every VIP at its interval, track rules, repair safely, "
                + "send alerts, serve GET /api/status, /metrics and /healthz on `listen:`.",
                "SIGHUP (or a changed config file) reloads; SIGTERM stops after the repair in flight."})
final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = CheckCommand.DEFAULT_CONFIG,
            description = "Config file (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = "--dry-run", description = "Plan and audit every repair, execute none of its commands.")
    boolean dryRun;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final AtomicReference<Watchdog> current = new AtomicReference<>();
    private final AtomicLong reloadsOk = new AtomicLong();
    private final AtomicLong reloadsFailed = new AtomicLong();
    private final CountDownLatch stop = new CountDownLatch(1);
    /** One registry for the process: counters keep counting across reloads. */
    private final Metrics metrics = new Metrics(VersionProvider.version());
    private boolean stopping; // guarded by this

    @Override
    public Integer call() throws Exception {
        Loaded loaded;
        try {
            loaded = Loaded.from(config);
        } catch (ConfigException e) {
            spec.commandLine().getErr().println(e.getMessage());
            spec.commandLine().getErr().printf("%d error(s); nothing was started.%n", e.errors().size());
            return ExitCodes.BAD_CONFIG;
        }
        Watchdog first = new Watchdog(loaded.config(), loaded.rules(), loaded.plans(), loaded.templates(), dryRun,
                Clock.systemUTC(), metrics);
        current.set(first);
        var listen = loaded.config().service();
        // vipwatch mha hands its work to this service with it (see StatusServer.handover).
        ControlToken control = ControlToken.create(loaded.config().stateDir());
        try (StatusServer server = new StatusServer(new InetSocketAddress(listen.listenAddress(), listen.listenPort()),
                current::get, this::serviceInfo, metrics, listen.web(), Optional.of(control))) {
            first.start();
            server.start();
            log.info("status API on http://{}:{}/api/status", listen.listenAddress().getHostAddress(), server.port());
            Signals.handle("TERM", stop::countDown);
            Signals.handle("INT", stop::countDown);
            Signals.handle("HUP", this::reload);
            ConfigWatcher watcher = new ConfigWatcher(config, this::reload);
            watcher.start();
            stop.await();
            log.info("stopping: finishing the cycles and repairs in flight");
            watcher.close();
        }
        synchronized (this) { // a reload in progress finishes first; none starts after this
            stopping = true;
            current.get().close();
        }
        return ExitCodes.OK;
    }

    /** Validates the config again and swaps it in; on any error the running config stays. */
    private synchronized void reload() {
        if (stopping) {
            return;
        }
        try {
            Loaded loaded = Loaded.from(config);
            var was = current.get().config().service();
            var now = loaded.config().service();
            if (!was.listenAddress().equals(now.listenAddress()) || was.listenPort() != now.listenPort()) {
                log.warn("listen changed in {}: the status API stays on {}:{} until a restart", config,
                        was.listenAddress().getHostAddress(), was.listenPort());
            }
            if (!was.web().source().equals(now.web().source())) {
                log.warn("web_config changed in {}: TLS and basic auth of the status API change at the next restart",
                        config);
            }
            Watchdog next = new Watchdog(loaded.config(), loaded.rules(), loaded.plans(), loaded.templates(), dryRun,
                    Clock.systemUTC(), metrics);
            Watchdog old = current.getAndSet(next);
            old.close();
            next.start();
            metrics.retain(next.vipKeys(), next.hostNames(), loaded.config().alerts().channels().channels().keySet());
            reloadsOk.incrementAndGet();
            log.info("reloaded {}", config);
        } catch (ConfigException e) {
            reloadsFailed.incrementAndGet();
            log.error("reload of {} refused, still running the previous config:\n{}", config, e.getMessage());
        } catch (Exception e) {
            reloadsFailed.incrementAndGet();
            log.error("reload of {} failed, still running the previous config", config, e);
        }
    }

    private ObjectNode serviceInfo() {
        Watchdog w = current.get();
        ObjectNode n = JsonReport.MAPPER.createObjectNode();
        n.put("config", w.config().source().toString());
        n.put("started_at", w.startedAt().toString());
        n.put("now", Instant.now().toString());
        n.put("dry_run", w.dryRun());
        n.put("vip_count", w.vipCount());
        n.put("ssh_sessions_open", w.openSshSessions());
        if (w.eventStreams()) {
            w.openEventStreams().forEach(n.putArray("event_streams_open")::add);
        } else {
            n.putNull("event_streams_open");
        }
        n.putObject("reloads").put("ok", reloadsOk.get()).put("failed", reloadsFailed.get());
        com.fasterxml.jackson.databind.node.ObjectNode fleet = JsonReport.MAPPER.valueToTree(w.fleet());
        if (!w.elsewhere().isEmpty()) {
            w.elsewhere().forEach(fleet.putArray("vips_elsewhere")::add);
        }
        n.set("fleet", fleet);
        return n;
    }
}
