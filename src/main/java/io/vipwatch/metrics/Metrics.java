package io.vipwatch.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vipwatch.alert.Dispatcher;
import io.vipwatch.probe.ArpView;
import io.vipwatch.probe.Location;
import io.vipwatch.probe.Observed;
import io.vipwatch.probe.SqlReply;
import io.vipwatch.probe.VipFacts;
import io.vipwatch.repair.RepairOutcome;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;

/**
 * What vipwatch tells Prometheus: one registry for the process (it outlives config reloads, so counters keep
 * counting), written to after each VIP's cycle, each repair and each alert delivery, and read by {@code /metrics}.
 *
 * <p>Names follow Prometheus' conventions (a {@code vipwatch_} prefix, base units, {@code _total} counters) and
 * label values are bounded by the config: cluster, VIP, host and observer names, probe kinds, rule and plan names,
 * repair results, channel names. Never an address, a MAC or an error text: those would make a new series per
 * incident. An unknown fact is NaN, not 0: "the SSH read timed out" must not draw as "the VIP is gone".
 */
public final class Metrics {
    /** The probe kinds of {@code vipwatch_probe_success} and {@code vipwatch_probe_duration_seconds}. */
    public static final List<String> PROBES = List.of("location", "ping", "arp", "l2", "sql");
    /** The results of {@code vipwatch_alert_notifications_total}. */
    private static final List<String> DELIVERY_RESULTS = List.of(Dispatcher.DELIVERED, Dispatcher.RETRIED,
            Dispatcher.FAILED);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** Gauges by id: Micrometer keeps the first object a gauge was registered with, so we keep it too. */
    private final Map<Meter.Id, Value> gauges = new ConcurrentHashMap<>();
    /** By cluster/VIP name. */
    private final Map<String, VipMeters> perVip = new ConcurrentHashMap<>();
    /** {@code vipwatch_host_up}, by cluster and host. */
    private final Map<String, Map<String, Value>> hostsUp = new ConcurrentHashMap<>();
    private final Timer ruleEvaluation;

    /** A gauge's current value; NaN until set. */
    private static final class Value {
        private volatile double value = Double.NaN;
    }

    public Metrics(String version) {
        // Two of Micrometer's processor meters break Prometheus' naming rules (promtool's lint says so): CPU time in
        // nanoseconds, and a gauge named like a summary's _count. Prometheus' own names replace them.
        registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")));
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
            }
        });
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            FunctionCounter.builder("process.cpu", os, o -> o.getProcessCpuTime() / 1e9).baseUnit("seconds")
                    .description("CPU time used by the vipwatch process").register(registry);
        }
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        gauge("vipwatch.build.info", "vipwatch's version (always 1)", null, Tags.of("version", version)).value = 1;
        ruleEvaluation = Timer.builder("vipwatch.rule.evaluation")
                .description("evaluating all rules against one VIP's facts").register(registry);
    }

    private volatile Runnable beforeScrape = () -> { };

    /** The Prometheus text exposition of every metric. */
    public String scrape() {
        beforeScrape.run();
        return registry.scrape();
    }

    /** Runs before each scrape: the service drops there what it no longer measures (see {@link #forgetVip}). */
    public void beforeScrape(Runnable prune) {
        this.beforeScrape = prune;
    }

    /**
     * A VIP this instance no longer runs (in a fleet, its cycles moved to another instance): its gauges go, rather
     * than keep their last values for ever, which an alert on them would read as the present (a VIP missing here
     * an hour ago). Counters stay: they are history. The next cycle of the VIP here registers the gauges again.
     */
    public void forgetVip(String cluster, String vip) {
        if (perVip.remove(cluster + "/" + vip) == null) {
            return;
        }
        for (Meter m : registry.getMeters()) {
            if (m.getId().getType() == Meter.Type.GAUGE && cluster.equals(m.getId().getTag("cluster"))
                    && vip.equals(m.getId().getTag("vip"))) {
                registry.remove(m);
                gauges.remove(m.getId());
            }
        }
    }

    /**
     * Records one finished cycle of one VIP.
     *
     * <p>{@code vipwatch_vip_holder} and {@code vipwatch_vip_expected_holder} have a series only for the hosts that
     * have carried the VIP or were to carry it since start (or the last reload), not for every host of the
     * cluster: in a flat cluster of 40 hosts and 200 VIPs that is about 400 series instead of 16,000, which were
     * most of the service's live heap and set it collecting garbage in full at every tick. A host that once had a
     * series keeps it, at 0 (or NaN while unreachable), so a VIP that moves away reads as 0, not as a gap.
     *
     * @param rules    every rule name, so each has a {@code vipwatch_problem_active} series from the start
     * @param active   the problems active now (fired, including {@code repair-exhausted})
     */
    public void vipCycle(VipFacts facts, Collection<String> rules, Set<String> active, boolean silenced,
                         Duration cycle) {
        VipMeters v = perVip.computeIfAbsent(facts.cluster() + "/" + facts.vip().name(),
                k -> new VipMeters(Tags.of("cluster", facts.cluster(), "vip", facts.vip().name())));
        Location loc = facts.location();
        String expected = facts.expectedHolder().orElse(null);
        Map<String, Value> up = hostsUp.computeIfAbsent(facts.cluster(), c -> new ConcurrentHashMap<>());
        for (String host : loc.hosts()) {
            boolean unreachable = loc.unreachable().contains(host);
            boolean holds = loc.holders().contains(host);
            boolean isExpected = host.equals(expected);
            up.computeIfAbsent(host, h -> gauge("vipwatch.host.up", "1: the host's SSH read succeeded", null,
                    Tags.of("cluster", facts.cluster(), "host", h))).value = bit(!unreachable);
            HolderValues hv = holds || isExpected ? v.holder(host) : v.holders.get(host);
            if (hv != null) {
                hv.holds.value = unreachable ? Double.NaN : bit(holds);
                hv.expected.value = bit(isExpected);
            }
        }
        v.holderCount.value = loc.holders().size();
        v.probe("location", loc.complete(), loc.elapsed());
        v.probe("ping", facts.ping().known(), facts.ping().elapsed());
        v.probe("arp", facts.arp().stream().allMatch(a -> a.entry().known()),
                facts.arp().stream().map(a -> a.entry().elapsed()).max(Duration::compareTo).orElse(Duration.ZERO));
        v.probe("l2", facts.l2Macs().known(), facts.l2Macs().elapsed());
        v.probe("sql", facts.sql().known(), facts.sql().elapsed());

        Observed<io.vipwatch.probe.PingReply> ping = facts.ping();
        v.pingUp.value = ping.known() ? bit(ping.value().ok()) : Double.NaN;
        v.pingRtt.value = ping.known() && ping.value().ok() ? ping.value().rttMs() / 1000 : Double.NaN;
        Optional<String> rightful = facts.rightfulMac();
        for (ArpView view : facts.arp()) {
            v.arpMatch(view.vantage()).value = view.entry().known() && rightful.isPresent()
                    ? bit(rightful.get().equalsIgnoreCase(view.entry().value().mac())) : Double.NaN;
        }
        v.l2Macs.value = facts.l2Macs().known() ? facts.l2Macs().value().size() : Double.NaN;
        Observed<SqlReply> sql = facts.sql();
        boolean sqlOk = sql.known() && sql.value().ok();
        v.sqlUp.value = sql.known() ? bit(sqlOk) : Double.NaN;
        v.sqlLatency.value = sqlOk ? sql.value().latencyMs() / 1000 : Double.NaN;
        v.sqlByHolder.value = sqlOk && loc.holders().size() == 1
                ? bit(loc.holders().get(0).equals(sql.value().server())) : Double.NaN;
        for (String rule : rules) {
            v.problem(rule).value = bit(active.contains(rule));
        }
        v.silenced.value = bit(silenced);
        v.cycles.increment();
        v.cycleDuration.record(cycle);
    }

    /**
     * One VIP's meters, looked up once and then only written: building the tags and ids of some forty meters for
     * every VIP in every cycle was a tenth of the service's CPU at 200 VIPs.
     */
    private final class VipMeters {
        private final Tags tags;
        private final Value holderCount;
        private final Value pingUp;
        private final Value pingRtt;
        private final Value l2Macs;
        private final Value sqlUp;
        private final Value sqlLatency;
        private final Value sqlByHolder;
        private final Value silenced;
        /** By the index of the probe in {@link #PROBES}. */
        private final Value[] probeSuccess = new Value[PROBES.size()];
        private final Timer[] probeDuration = new Timer[PROBES.size()];
        private final Counter cycles;
        private final Timer cycleDuration;
        /** Only the hosts that carried the VIP or were to (see {@link #vipCycle}). */
        private final Map<String, HolderValues> holders = new ConcurrentHashMap<>();
        private final Map<String, Value> arpMatches = new ConcurrentHashMap<>();
        private final Map<String, Value> problems = new ConcurrentHashMap<>();

        VipMeters(Tags tags) {
            this.tags = tags;
            holderCount = gauge("vipwatch.vip.holders", "hosts seen carrying the VIP", null, tags);
            pingUp = gauge("vipwatch.ping.up", "1: the VIP answered ping from the watchdog", null, tags);
            pingRtt = gauge("vipwatch.ping.rtt", "round-trip time of the last ping to the VIP", "seconds", tags);
            l2Macs = gauge("vipwatch.l2.macs", "distinct MACs answering ARP for the VIP", null, tags);
            sqlUp = gauge("vipwatch.sql.up", "1: SELECT 1 through the VIP succeeded", null, tags);
            sqlLatency = gauge("vipwatch.sql.latency", "latency of SELECT 1 through the VIP", "seconds", tags);
            sqlByHolder = gauge("vipwatch.sql.answered.by.holder",
                    "1: the server answering through the VIP is the VIP's holder", null, tags);
            silenced = gauge("vipwatch.silenced",
                    "1: a silence or maintenance window holds alerts back and suspends repairs", null, tags);
            for (int i = 0; i < PROBES.size(); i++) {
                Tags t = tags.and("probe", PROBES.get(i));
                probeSuccess[i] = gauge("vipwatch.probe.success",
                        "1: the probe established its fact this cycle (0: timeout or error)", null, t);
                probeDuration[i] = Timer.builder("vipwatch.probe.duration").description("how long a probe took")
                        .tags(t).register(registry);
            }
            cycles = Counter.builder("vipwatch.cycles").description("probe cycles completed").tags(tags)
                    .register(registry);
            cycleDuration = Timer.builder("vipwatch.cycle.duration")
                    .description("one probe cycle of a VIP, repairs included").tags(tags).register(registry);
        }

        void probe(String kind, boolean established, Duration took) {
            int index = PROBES.indexOf(kind);
            probeSuccess[index].value = bit(established);
            probeDuration[index].record(took);
        }

        HolderValues holder(String host) {
            return holders.computeIfAbsent(host, h -> new HolderValues(
                    gauge("vipwatch.vip.holder",
                            "1: the host carries the VIP; 0: it does not; NaN: unknown (host unreachable)", null,
                            tags.and("host", h)),
                    gauge("vipwatch.vip.expected.holder", "1 for the host that should hold the VIP this cycle", null,
                            tags.and("host", h))));
        }

        Value arpMatch(String vantage) {
            return arpMatches.computeIfAbsent(vantage, x -> gauge("vipwatch.arp.match",
                    "1: the neighbour entry for the VIP points at the rightful holder's MAC", null,
                    tags.and("vantage", x)));
        }

        Value problem(String rule) {
            return problems.computeIfAbsent(rule, r -> gauge("vipwatch.problem.active",
                    "1: the problem is active (fired and not resolved)", null, tags.and("problem", r)));
        }
    }

    private record HolderValues(Value holds, Value expected) {
    }

    /** Records a finished repair. */
    public void repair(String cluster, String vip, RepairOutcome outcome) {
        repairs(cluster, vip, outcome.plan(), outcome.result()).increment();
        repairDuration(cluster, vip, outcome.plan()).record(outcome.elapsed());
    }

    /**
     * Creates a VIP's repair meters at 0 for each plan its rules may run, so that increase() sees the first repair
     * (a series that appears with the value 1 has no increase).
     */
    public void repairPlans(String cluster, String vip, Collection<String> plans) {
        for (String plan : plans) {
            for (RepairOutcome.Result result : RepairOutcome.Result.values()) {
                repairs(cluster, vip, plan, result);
            }
            repairDuration(cluster, vip, plan);
        }
    }

    private Counter repairs(String cluster, String vip, String plan, RepairOutcome.Result result) {
        return Counter.builder("vipwatch.repairs").description("repairs by plan and result")
                .tags("cluster", cluster, "vip", vip, "plan", plan, "result", result.name().toLowerCase(Locale.ROOT))
                .register(registry);
    }

    private Timer repairDuration(String cluster, String vip, String plan) {
        return Timer.builder("vipwatch.repair.duration").description("how long a repair took, waits included")
                .tags("cluster", cluster, "vip", vip, "plan", plan).register(registry);
    }

    public void ruleEvaluation(Duration took) {
        ruleEvaluation.record(took);
    }

    public void sshReconnect(String host) {
        sshReconnects(host).increment();
    }

    /** Creates the counters at 0, so that rate() and increase() see the first reconnect (a new series would not). */
    public void sshHosts(Collection<String> hosts) {
        hosts.forEach(this::sshReconnects);
    }

    private Counter sshReconnects(String host) {
        return Counter.builder("vipwatch.ssh.reconnects").description("SSH sessions opened again after one was lost")
                .tags("host", host).register(registry);
    }

    /** An address event stream opened or closed; {@code reconnect}: it opened again after being down. */
    public void eventStream(String host, boolean up, boolean reconnect) {
        gauge("vipwatch.event.stream.up", "1: the host's address event stream (ip monitor) is open", null,
                Tags.of("host", host)).value = bit(up);
        Counter reconnects = Counter.builder("vipwatch.event.stream.reconnects")
                .description("address event streams opened again after they ended").tags("host", host)
                .register(registry);
        if (reconnect) {
            reconnects.increment();
        }
    }

    /**
     * With a clustered job store: whether it answers, and the repair leases this instance was granted, refused
     * (another instance holds it, the cycle was stale, the store is down) and lost during a repair.
     */
    public void jobStore(boolean up) {
        gauge("vipwatch.job.store.up", "1: the clustered job store answers; 0: degraded, probing and alerting "
                + "alone and repairing nothing", null, Tags.empty()).value = bit(up);
    }

    /** Counts one lease decision; {@code result} is granted, refused or lost. */
    public void repairLease(String result) {
        Counter.builder("vipwatch.repair.leases").description("repair leases by result: granted, refused (held "
                + "elsewhere, stale cycle, job store down), lost during a repair").tags("result", result)
                .register(registry).increment();
    }

    /** Registers the lease counters at zero, so that a rate over them exists from the start. */
    public void repairLeases() {
        for (String result : List.of("granted", "refused", "lost")) {
            Counter.builder("vipwatch.repair.leases").description("repair leases by result: granted, refused (held "
                    + "elsewhere, stale cycle, job store down), lost during a repair").tags("result", result)
                    .register(registry);
        }
    }

    /** Counts one delivery outcome; {@code result} is delivered, failed or retried. */
    public void alertDelivery(String channel, String result) {
        notifications(channel, result).increment();
    }

    private Counter notifications(String channel, String result) {
        return Counter.builder("vipwatch.alert.notifications").description("alert notifications by channel and result")
                .tags("channel", channel, "result", result).register(registry);
    }

    /**
     * The outbox backlog of each channel, read at scrape time; also creates the channels' delivery counters at 0.
     */
    public void outboxPending(Collection<String> channels, ToIntFunction<String> pending) {
        for (String channel : channels) {
            DELIVERY_RESULTS.forEach(result -> notifications(channel, result));
            // re-registered on reload: the function of the newest config wins
            registry.find("vipwatch.alert.outbox.pending").tags("channel", channel).meters()
                    .forEach(registry::remove);
            Gauge.builder("vipwatch.alert.outbox.pending", () -> pending.applyAsInt(channel))
                    .description("notifications waiting in the outbox").tags("channel", channel).register(registry);
        }
    }

    /**
     * After a reload: drops the series of VIPs, hosts and channels the new config no longer has, so they do not
     * linger as stale values forever.
     */
    public void retain(Set<String> vips, Set<String> hosts, Set<String> channels) {
        for (Meter m : registry.getMeters()) {
            String cluster = m.getId().getTag("cluster");
            String vip = m.getId().getTag("vip");
            String host = m.getId().getTag("host");
            String channel = m.getId().getTag("channel");
            boolean gone = (vip != null && !vips.contains(cluster + "/" + vip))
                    || (host != null && !hosts.contains(host))
                    || (channel != null && !channels.contains(channel));
            if (gone) {
                registry.remove(m);
                gauges.remove(m.getId());
            }
        }
        perVip.keySet().retainAll(vips);
        perVip.values().forEach(v -> v.holders.keySet().retainAll(hosts));
        hostsUp.values().forEach(up -> up.keySet().retainAll(hosts));
    }

    /** The gauge's value holder, registering the gauge the first time. */
    private Value gauge(String name, String help, String unit, Tags tags) {
        Meter.Id id = new Meter.Id(name, tags, unit, help, Meter.Type.GAUGE);
        return gauges.computeIfAbsent(id, k -> {
            Value v = new Value();
            Gauge.builder(name, v, x -> x.value).description(help).baseUnit(unit).tags(tags).register(registry);
            return v;
        });
    }

    private static double bit(boolean b) {
        return b ? 1 : 0;
    }
}
