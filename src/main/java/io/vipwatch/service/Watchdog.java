package io.vipwatch.service;

import com.jcraft.jsch.JSchException;
import io.vipwatch.alert.DeliveryStats;
import io.vipwatch.alert.Templates;
import io.vipwatch.config.ClusterConfig;
import io.vipwatch.config.Config;
import io.vipwatch.config.HostConfig;
import io.vipwatch.config.VipConfig;
import io.vipwatch.fleet.FastFailoverJobStore;
import io.vipwatch.fleet.Fleet;
import io.vipwatch.fleet.JdbcFleet;
import io.vipwatch.fleet.Solo;
import io.vipwatch.metrics.Metrics;
import io.vipwatch.probe.AddressEvents;
import io.vipwatch.probe.LiveLocations;
import io.vipwatch.probe.ProbeCycle;
import io.vipwatch.probe.ProbeThreads;
import io.vipwatch.remote.LocalExec;
import io.vipwatch.remote.MysqlClient;
import io.vipwatch.remote.SshPool;
import io.vipwatch.repair.Afterwards;
import io.vipwatch.repair.AuditLog;
import io.vipwatch.repair.Handover;
import io.vipwatch.repair.HandoverRequest;
import io.vipwatch.repair.RepairPlans;
import io.vipwatch.repair.Repairer;
import io.vipwatch.repair.Sleeper;
import io.vipwatch.rule.RuleSet;
import io.vipwatch.schedule.ProbeScheduler;
import io.vipwatch.silence.ActiveSilence;
import io.vipwatch.silence.SilenceStore;
import io.vipwatch.silence.Suspensions;
import io.vipwatch.silence.UnknownSilenceException;
import io.vipwatch.state.Handovers;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running service for one config: SSH sessions, probe threads, the scheduler with one job per VIP, the repair
 * machinery and the audit log. A reload builds a new Watchdog from the new config and closes the old one.
 */
public final class Watchdog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Watchdog.class);
    /** VIPs of a cluster probed within this time of each other share one SSH read per host. */
    private static final Duration SHARED_READ_AGE = Duration.ofMillis(250);

    private final Config config;
    private final SshPool ssh;
    private final ProbeThreads probeThreads;
    private final AuditLog audit;
    private final Afterwards afterwards;
    private final ProbeScheduler scheduler;
    /** With a clustered job store: the in-memory schedule of every VIP that runs while the job store is down. */
    private final Optional<ProbeScheduler> fallback;
    /** VIPs due one cycle on {@link #fallback} although the job store answers: it just came back. */
    private final Set<String> catchUp = ConcurrentHashMap.newKeySet();
    private final Fleet fleet;
    private volatile boolean started;
    private final Metrics metrics;
    private final Map<String, VipWatch> vips = new LinkedHashMap<>();
    private final Instant startedAt;
    private final boolean dryRun;
    private final Suspensions suspensions;
    private final Optional<Alerting> alerting;
    private final Optional<AddressEvents> events;
    private final ProbeCycle cycle;
    private final Clock clock;
    private final MysqlClient mysql;
    private final Handovers handovers;
    /** How long a handover's stop holds a VIP's repairs back at most, should MHA's start never come. */
    static final Duration HANDOVER_HOLD = Duration.ofMinutes(2);
    static final String HANDOVER_BY = "vipwatch mha";

    /** @param templates the alert templates; empty when no alert channel is configured */
    public Watchdog(Config config, RuleSet rules, RepairPlans plans, Optional<Templates> templates, boolean dryRun,
                    Clock clock, Metrics metrics) throws JSchException, IOException, SchedulerException {
        this.clock = clock;
        this.metrics = metrics;
        this.config = config;
        this.dryRun = dryRun || config.repairs().dryRun();
        this.startedAt = clock.instant();
        this.ssh = new SshPool(config.ssh(), metrics::sshReconnect);
        metrics.sshHosts(hostNames());
        this.probeThreads = ProbeThreads.forConfig(config);
        this.audit = new AuditLog(config.service().auditLog());
        this.afterwards = Afterwards.threads(config.repairs().maxConcurrent());
        LocalExec local = new LocalExec();
        LiveLocations live = new LiveLocations();
        this.mysql = new MysqlClient(config.mysql());
        this.fleet = fleet(config, clock, metrics);
        try {
            // A fleet's silences and handovers are in its job store: a silence added on any host holds on every
            // instance.
            this.handovers = fleet.document("handovers", Handovers.MAX_BYTES).map(d -> new Handovers(d, clock))
                    .orElseGet(() -> new Handovers(config.stateDir(), clock));
            this.cycle = new ProbeCycle(config, ssh, local, mysql, probeThreads, clock, live, true, handovers);
            this.suspensions = new Suspensions(fleet.document("silences", SilenceStore.MAX_BYTES)
                    .map(d -> new SilenceStore(d, clock)).orElseGet(() -> new SilenceStore(config.stateDir(), clock)),
                    config.maintenance(), clock);
            this.alerting = Alerting.of(config, rules, templates, clock, metrics);
            Services services = new Services(config, rules, plans, cycle, cycle.new HostViews(SHARED_READ_AGE), live,
                    new Repairer(config, ssh, local, audit, clock, Sleeper.REAL, afterwards),
                    new Semaphore(config.repairs().maxConcurrent()), this.dryRun, suspensions, handovers, alerting,
                    metrics, fleet);
            for (ClusterConfig cluster : config.clusters()) {
                for (VipConfig vip : cluster.vips()) {
                    VipWatch w = new VipWatch(cluster, vip, services, clock);
                    vips.put(w.key(), w);
                }
            }
            java.util.function.Consumer<String> run = key -> vips.get(key).cycle();
            if (fleet.clustered()) {
                this.scheduler = ProbeScheduler.clustered(vips.size(), run, config.scheduler(),
                        ((JdbcFleet) fleet).dataSource(), FastFailoverJobStore.class.getName());
                // Ticks all the time, and runs a cycle while the job store is down, or once to catch up when it is
                // back.
                this.fallback = Optional.of(ProbeScheduler.inMemory(vips.size(), key -> {
                    if (fleet.outage().isPresent() || catchUp.remove(key)) {
                        vips.get(key).cycle();
                    }
                }));
            } else {
                this.scheduler = ProbeScheduler.inMemory(vips.size(), run);
                this.fallback = Optional.empty();
            }
            this.events = config.probes().eventStreams()
                    ? Optional.of(new AddressEvents(config.clusters(), ssh, live,
                            new EventsToCycles(services.sharedViews(), metrics)))
                    : Optional.empty();
            for (VipWatch w : vips.values()) {
                scheduler.add(w.key(), w.vip().interval().orElse(config.probes().interval()), w.vip().cron());
                fallback.ifPresent(f -> f.add(w.key(), w.vip().interval().orElse(config.probes().interval()),
                        w.vip().cron()));
            }
        } catch (Exception e) {
            fleet.close(); // its pool and health check would outlive a service that never started
            throw e;
        }
    }

    /**
     * A single instance, or this instance's membership of the fleet in the job store: connected, with the tables
     * it needs, before anything is scheduled. Refuses a job store behind a watched VIP (see the README).
     */
    private Fleet fleet(Config config, Clock clock, Metrics metrics) throws IOException {
        if (!config.scheduler().clustered()) {
            return new Solo();
        }
        var store = config.scheduler().jobStore().orElseThrow();
        Optional<String> behindVip = store.watchedVipBehind(config.clusters());
        if (behindVip.isPresent()) {
            throw new IOException(config.source() + ": scheduler.dsn: the job store must not sit behind a VIP vipwatch "
                    + "watches: " + behindVip.get());
        }
        Set<String> keys = new HashSet<>();
        config.clusters().forEach(c -> c.vips().forEach(v -> keys.add(c.name() + "/" + v.name())));
        metrics.jobStore(true);
        metrics.repairLeases();
        try {
            return JdbcFleet.open(config.scheduler(), keys, clock, this::jobStoreHealth, metrics::repairLease);
        } catch (java.sql.SQLException e) {
            throw new IOException("cannot join the fleet through the job store " + store.where() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Degraded mode and back: while the job store is down, this instance runs every VIP on its in-memory schedule
     * (probes and alerts; the cycles repair nothing, see {@link VipWatch}). When it answers again, each VIP gets one
     * cycle at once on this instance, so that a fault found while degraded is repaired within a probe interval of
     * the store's return rather than after the clustered schedule has found its feet again (Quartz waits a
     * check-in between retries, then handles its misfires). Every instance does this; the VIP's lease and shared
     * version let one of them repair and refuse the others. After that the clustered schedule alone runs the VIPs.
     */
    private void jobStoreHealth(Optional<Fleet.Outage> outage) {
        metrics.jobStore(outage.isEmpty());
        if (started && outage.isEmpty() && fallback.isPresent()) {
            catchUp.addAll(vips.keySet());
            for (VipWatch w : vips.values()) {
                w.requestCycle(); // a degraded cycle in flight stops waiting for slow probes (a missing VIP's ping)
                fallback.get().triggerNow(w.key());
            }
        }
    }

    public void start() throws SchedulerException, IOException {
        if (alerting.isPresent()) {
            alerting.get().start(fleet.outbox());
        }
        openSessions();
        scheduler.start();
        if (fallback.isPresent()) {
            fallback.get().start();
            started = true;
            // A VIP whose cycles moved to another instance: its gauges here would show its past as the present.
            // Set at start, not at construction: a reload that fails must not prune the running service's VIPs.
            metrics.beforeScrape(() -> {
                Instant now = clock.instant();
                vips.values().stream().filter(w -> !recent(w, now))
                        .forEach(w -> metrics.forgetVip(w.cluster().name(), w.vip().name()));
            });
        }
        events.ifPresent(AddressEvents::start);
        log.info("watching {} VIP(s) from {}{}", vips.size(), config.source(), dryRun ? " (dry run: no repair "
                + "command is executed)" : "");
    }

    /**
     * SSH sessions to every host before the first cycle, a few logins at a time (see {@link SshPool}), bounded by
     * {@code connect_timeout} per wave of logins and 30 s in all; hosts that fail are tried again by their probes.
     */
    private void openSessions() {
        List<HostConfig> hosts = distinctHosts();
        long waves = (hosts.size() + SshPool.PARALLEL_LOGINS - 1) / SshPool.PARALLEL_LOGINS;
        Duration limit = config.ssh().connectTimeout().multipliedBy(Math.max(1, waves)).plusSeconds(1);
        limit = limit.compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30) : limit;
        long start = System.nanoTime();
        Map<String, String> problems = ssh.open(hosts, limit);
        long ms = (System.nanoTime() - start) / 1_000_000;
        if (problems.isEmpty()) {
            log.info("SSH sessions to all {} host(s) open in {} ms", hosts.size(), ms);
        } else {
            log.warn("SSH sessions to {} of {} host(s) open in {} ms; not yet: {}", hosts.size() - problems.size(),
                    hosts.size(), ms, problems);
        }
    }

    public Config config() {
        return config;
    }

    public boolean dryRun() {
        return dryRun;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public boolean running() {
        return scheduler.running();
    }

    /**
     * The latest status of every VIP that completed at least one cycle; with a clustered job store, of the VIPs this
     * instance ran a cycle of within the last three intervals (the others run elsewhere: their status here would
     * be stale; see {@link #elsewhere()}).
     */
    public List<VipStatus> status() {
        List<VipStatus> out = new ArrayList<>();
        Instant now = clock.instant();
        vips.values().forEach(w -> {
            VipStatus s = w.status();
            if (s != null && (!fleet.clustered() || recent(w, now))) {
                out.add(s);
            }
        });
        return out;
    }

    /** With a clustered job store: the VIPs whose latest cycles ran on other instances ("cluster/vip"). */
    public List<String> elsewhere() {
        Instant now = clock.instant();
        return fleet.clustered() ? vips.values().stream().filter(w -> !recent(w, now)).map(VipWatch::key).toList()
                : List.of();
    }

    private boolean recent(VipWatch w, Instant now) {
        Duration interval = w.vip().interval().orElse(config.probes().interval());
        return !w.lastCycle().plus(interval.multipliedBy(3)).isBefore(now);
    }

    /**
     * What an address event does: the cluster's shared host reads are forgotten and the VIP's cycle starts now
     * (debounced by {@link VipWatch#requestCycle()}); after a stream was down, every VIP of its cluster cycles.
     */
    private final class EventsToCycles implements AddressEvents.Listener {
        private final ProbeCycle.HostViews shared;
        private final Metrics metrics;

        EventsToCycles(ProbeCycle.HostViews shared, Metrics metrics) {
            this.shared = shared;
            this.metrics = metrics;
        }

        @Override
        public void changed(ClusterConfig cluster, VipConfig vip, String host, boolean added) {
            shared.invalidate(cluster.name());
            VipWatch w = vips.get(cluster.name() + "/" + vip.name());
            if (w != null && w.requestCycle()) {
                triggerNow(w.key());
            }
        }

        @Override
        public void resynced(ClusterConfig cluster, String host) {
            cluster.vips().forEach(v -> changed(cluster, v, host, true));
        }

        @Override
        public void streamState(String host, boolean up, boolean reconnect) {
            metrics.eventStream(host, up, reconnect);
        }
    }

    /**
     * Runs a failover manager's request here, over this service's warm SSH sessions ({@code POST /api/mha}), and
     * keeps the watch in step with it: {@code stop} holds the VIPs' repairs and alerts back with a short silence
     * (MHA's {@code start} follows within seconds; until then the VIP is missing on purpose), {@code start} ends
     * that silence and starts a cycle of each VIP at once, which then sees the new holder (written down as the VIP's
     * handover), and the later gratuitous-ARP bursts follow in the background.
     *
     * @throws IllegalArgumentException when the request does not map onto this config (nothing ran then)
     */
    public Handover.Outcome handover(HandoverRequest request) {
        HandoverRequest.Resolved r = request.resolve(config);
        List<String> notes = new ArrayList<>();
        SilenceStore store = suspensions.store();
        List<String> held = new ArrayList<>();
        if (request.command().startsWith("stop") && !request.dryRun()) {
            for (VipConfig vip : r.vips()) {
                try {
                    String why = "MHA moves the VIP away from " + r.oldMaster().name() + " (vipwatch mha "
                            + request.command() + ")";
                    held.add(store.add(r.cluster().name(), Optional.of(vip.name()), HANDOVER_HOLD, why, HANDOVER_BY)
                            .id());
                } catch (IOException e) {
                    notes.add("WARNING: could not hold back repairs of " + vip.name() + " during the handover: "
                            + e.getMessage());
                }
            }
        }
        Handover handover = new Handover(config, ssh, mysql, audit, handovers, clock, "mha-" + request.command(),
                request.budget(), dryRun || request.dryRun(), Optional.of(afterwards));
        Handover.Outcome outcome = request.run(handover, r);
        if (outcome.verdict() == Handover.Verdict.ABORT) {
            // The switch is called off and the VIPs stay where they are: watch and repair them as before.
            for (String id : held) {
                try {
                    store.expire(id);
                } catch (IOException | UnknownSilenceException e) {
                    notes.add("WARNING: the handover silence " + id + " could not be ended: " + e.getMessage());
                }
            }
        }
        if (request.command().equals("start")) {
            Set<String> moved = new HashSet<>();
            r.vips().forEach(v -> moved.add(v.name()));
            try {
                for (var s : store.list()) {
                    if (HANDOVER_BY.equals(s.createdBy()) && s.cluster().equals(r.cluster().name())
                            && s.vip().filter(moved::contains).isPresent() && s.activeAt(clock.instant())) {
                        store.expire(s.id());
                    }
                }
            } catch (IOException | UnknownSilenceException e) {
                notes.add("WARNING: the handover silence could not be ended: " + e.getMessage());
            }
            r.vips().forEach(v -> triggerNow(r.cluster().name() + "/" + v.name()));
        }
        List<String> lines = new ArrayList<>(notes);
        lines.addAll(outcome.lines());
        return new Handover.Outcome(outcome.verdict(), lines);
    }

    /** A cycle of the VIP now, on whichever schedule runs it: the fleet's, or this instance's own while degraded. */
    private void triggerNow(String key) {
        if (fleet.outage().isPresent() && fallback.isPresent()) {
            fallback.get().triggerNow(key);
        } else {
            scheduler.triggerNow(key);
        }
    }

    /** The fleet this instance belongs to: its id, the job store's health, lease counts (for /api/status). */
    public Map<String, Object> fleet() {
        return fleet.describe();
    }

    /** Silences and maintenance windows in force now. */
    public List<ActiveSilence> silences() {
        return suspensions.active(clock.instant());
    }

    /** A problem reading the silences file, if the last read failed (the previous silences stay in force). */
    public Optional<String> silenceFileProblem() {
        return suspensions.store().readProblem();
    }

    /** Alert delivery: per channel counts, backlog and recent failures; empty without channels. */
    public Optional<DeliveryStats> alertDelivery() {
        return alerting.map(Alerting::stats);
    }

    /** "cluster/vip" of every watched VIP. */
    public Set<String> vipKeys() {
        return Set.copyOf(vips.keySet());
    }

    /** Every host name of every cluster. */
    public Set<String> hostNames() {
        Set<String> out = new HashSet<>();
        distinctHosts().forEach(h -> out.add(h.name()));
        return out;
    }

    /** Every host of every cluster once, by name (the SSH pool keys its sessions by name). */
    private List<HostConfig> distinctHosts() {
        Map<String, HostConfig> byName = new LinkedHashMap<>();
        config.clusters().forEach(c -> c.hosts().forEach(h -> byName.putIfAbsent(h.name(), h)));
        return List.copyOf(byName.values());
    }

    /** Hosts whose address event stream is open (empty when event streams are off). */
    public List<String> openEventStreams() {
        return events.map(AddressEvents::openStreams).orElse(List.of());
    }

    public boolean eventStreams() {
        return events.isPresent();
    }

    public int vipCount() {
        return vips.size();
    }

    public int openSshSessions() {
        return ssh.openSessions();
    }

    /**
     * Stops scheduling, lets the cycles and repairs in flight finish, cancels the announce bursts still to come
     * (audited as not sent), closes SSH sessions and the audit log.
     */
    @Override
    public void close() {
        long start = System.nanoTime();
        events.ifPresent(AddressEvents::close);
        scheduler.close();
        fallback.ifPresent(ProbeScheduler::close);
        alerting.ifPresent(Alerting::close);
        probeThreads.close();
        cycle.close();
        afterwards.close();
        ssh.close();
        fleet.close();
        try {
            audit.close();
        } catch (Exception e) {
            log.warn("closing the audit log: {}", e.toString());
        }
        log.info("stopped in {} ms", (System.nanoTime() - start) / 1_000_000);
    }
}
