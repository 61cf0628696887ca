package io.vipwatch.probe;

import io.vipwatch.config.ClusterConfig;
import io.vipwatch.config.Config;
import io.vipwatch.config.HostConfig;
import io.vipwatch.config.VipConfig;
import io.vipwatch.remote.LocalExec;
import io.vipwatch.remote.MysqlClient;
import io.vipwatch.remote.SshPool;
import io.vipwatch.state.Handovers;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One probe cycle over every VIP of the config.
 *
 * <p>Design: everything that can run at once does, once the hosts' interfaces are read (that read decides a
 * missing or doubled VIP, so it goes first; see {@link #start}). Per host, one SSH round trip reads all interfaces
 * and serves every VIP of the cluster; a host's MySQL identity is learned on its own address. Per VIP, three chains
 * run side by side: ping → neighbour entry → L2 ARP replies (in that order: ping creates or refreshes the entry a client
 * would use, and the ARP replies our own arping draws could refresh a wrong entry before we have read it; the
 * entry waits for the ping only briefly, so a VIP that does not answer costs no ping timeout), and
 * {@code SELECT 1} through the VIP. Every call has its
 * own deadline; on top of that each future has a budget, so a stuck call becomes an unknown value instead of a
 * stuck cycle. A slow or dead host therefore costs its own
 * timeout once, in parallel, and never delays the other hosts' results.
 */
public final class ProbeCycle implements AutoCloseable {
    private static final Duration DRIVER_WARMUP = Duration.ofMillis(500);
    /** How long the other probes wait for the hosts' interfaces to be read, at most. */
    static final Duration LOCATION_HEAD_START = Duration.ofMillis(100);
    /** How long the neighbour read waits for our ping; on a LAN a reply takes well under a millisecond. */
    private static final Duration ARP_FRESHEN = Duration.ofMillis(100);

    private final Config config;
    private final Probes probes;
    private final ExecutorService executor;
    private final ExecutorService sqlExecutor;
    private final Clock clock;
    private final LiveLocations live;
    private final Handovers handovers;

    /**
     * @param live      learns every host read (the service keeps it current with address events)
     * @param arpSocket ask ARP through an in-process {@link ArpSocket} rather than an arping per VIP: for the
     *                  service; a one-shot check would spend more loading JNA (~0.5 s) than it saves
     * @param handovers where failover managers put the VIPs (read for each VIP's facts)
     */
    public ProbeCycle(Config config, SshPool ssh, LocalExec local, MysqlClient mysql, ProbeThreads threads,
                      Clock clock, LiveLocations live, boolean arpSocket, Handovers handovers) {
        this.config = config;
        this.live = live;
        this.handovers = handovers;
        this.probes = new Probes(config, ssh, local, mysql, threads.calls(), arpSocket);
        this.executor = threads.calls();
        this.sqlExecutor = threads.sql();
        this.clock = clock;
    }

    /** Releases what the probes hold open (the ARP sockets). */
    @Override
    public void close() {
        probes.close();
    }

    /** Probes every VIP of every cluster once; returns one snapshot per VIP in config order. */
    public List<VipFacts> run() {
        HostViews views = new HostViews(Duration.ofDays(1)); // one read per host serves the whole run
        List<VipProbe> pending = new ArrayList<>();
        for (ClusterConfig cluster : config.clusters()) {
            for (VipConfig vip : cluster.vips()) {
                pending.add(start(cluster, vip, views));
            }
        }
        return pending.stream().map(VipProbe::complete).toList();
    }

    /**
     * Probes one VIP. Host reads come from {@code views}: VIPs of one cluster probed at about the same time share
     * one SSH read per host; a repair's verification passes fresh views.
     */
    public VipFacts probe(ClusterConfig cluster, VipConfig vip, HostViews views) {
        return start(cluster, vip, views).complete();
    }

    /** Where the VIP is now, from fresh reads of the hosts' interfaces alone (for a repair step). */
    public Location locate(ClusterConfig cluster, VipConfig vip) {
        Map<String, Observed<HostSnapshot>> views = new LinkedHashMap<>();
        new HostViews(Duration.ZERO).locations(cluster).forEach((host, read) -> views.put(host, read.join()));
        return LocationAssembler.locate(cluster, vip, views);
    }

    /**
     * Starts every probe of one VIP; the result gives early (where the VIP is) and complete facts. The hosts'
     * interfaces are read first and the other probes start once they answered, or after {@link #LOCATION_HEAD_START}
     * at most: on two cores, a handful of JDBC logins and process spawns started alongside would slow down the
     * one read that decides (and repairs) a missing or doubled VIP, while a hung host delays the rest only briefly.
     */
    public VipProbe start(ClusterConfig cluster, VipConfig vip, HostViews views) {
        Map<String, CompletableFuture<Observed<HostSnapshot>>> locations = views.locations(cluster);
        CompletableFuture<Void> located = CompletableFuture.allOf(locations.values().toArray(CompletableFuture[]::new))
                .completeOnTimeout(null, LOCATION_HEAD_START.toMillis(), TimeUnit.MILLISECONDS);
        return startVip(cluster, vip, locations, located, views.identities(cluster, located));
    }

    /**
     * Per-host reads (interfaces over SSH, MySQL identity and role) shared by the VIPs of a cluster, in rounds (see
     * {@link HostRounds}): N VIPs on a host cost one {@code ip} call.
     */
    public final class HostViews {
        private final HostRounds<Observed<HostSnapshot>> locations;
        private final HostRounds<MysqlClient.Answer> identities;

        /** @param maxAge how long a round of reads serves the VIPs that ask */
        public HostViews(Duration maxAge) {
            this.locations = new HostRounds<>(maxAge);
            this.identities = new HostRounds<>(maxAge);
        }

        /** Forgets the reads of one cluster's hosts (an address changed there): the next cycle reads afresh. */
        public void invalidate(String cluster) {
            locations.forget(cluster);
        }

        Map<String, CompletableFuture<Observed<HostSnapshot>>> locations(ClusterConfig cluster) {
            return locations.current(cluster, host -> {
                long token = live.beginRead(cluster.name(), host.name());
                CompletableFuture<Observed<HostSnapshot>> read =
                        async(() -> probes.location(host), sshBudget(), Observed::timeout);
                return read.whenComplete((view, e) -> live.read(cluster.name(), host.name(), token,
                        e == null ? view : Observed.error(String.valueOf(e), Duration.ZERO)));
            });
        }

        /** The hosts' MySQL identities, asked for once {@code after} completed. */
        Map<String, CompletableFuture<MysqlClient.Answer>> identities(ClusterConfig cluster,
                                                                      CompletableFuture<?> after) {
            CompletableFuture<Map<String, CompletableFuture<MysqlClient.Answer>>> round = after.handle((x, e) -> null)
                    .thenApply(x -> identities.current(cluster, host -> async(() -> probes.sql(host.ip(), true),
                            sqlExecutor, sqlBudget(), (d, e) -> new MysqlClient.Answer(false, null, e, d, true))));
            Map<String, CompletableFuture<MysqlClient.Answer>> out = new LinkedHashMap<>();
            for (HostConfig host : cluster.hosts()) {
                out.put(host.name(), round.thenCompose(reads -> reads.get(host.name())));
            }
            return out;
        }
    }

    private VipProbe startVip(ClusterConfig cluster, VipConfig vip,
                             Map<String, CompletableFuture<Observed<HostSnapshot>>> views,
                             CompletableFuture<Void> located,
                             Map<String, CompletableFuture<MysqlClient.Answer>> identities) {
        List<Optional<HostConfig>> vantages = cluster.observers().isEmpty()
                ? List.of(Optional.empty())
                : cluster.observers().stream().map(Optional::of).toList();
        Duration arpBudget = sshBudget().plus(l2Budget());
        CompletableFuture<Observed<PingReply>> ping = located.thenCompose(x -> async(() -> probes.ping(vip),
                pingBudget(), Observed::timeout));
        List<String> names = new ArrayList<>();
        List<CompletableFuture<ArpView>> arp = new ArrayList<>();
        List<CompletableFuture<Observed<List<String>>>> l2 = new ArrayList<>();
        for (Optional<HostConfig> vantage : vantages) {
            String name = vantage.map(HostConfig::name).orElse("local");
            names.add(name);
            // Read the entry after our ping has (re)freshed it — or after ARP_FRESHEN, when the VIP does not answer
            // (then there is nothing to freshen, and waiting for the ping timeout would only delay the facts) — and
            // before our arping, see the class comment.
            // (delayedExecutor with our executor: the default one starts a thread per task on a 2-core host.)
            CompletableFuture<Object> freshened = located.thenCompose(x -> CompletableFuture.anyOf(ping,
                    CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(
                            ARP_FRESHEN.toMillis(), TimeUnit.MILLISECONDS, executor))));
            Supplier<CompletableFuture<ArpView>> read = () -> probes.neighbour(vip, vantage)
                    .thenApply(entry -> new ArpView(name, entry));
            // A cold watchdog (the first run of `check`) may need longer than ARP_FRESHEN to spawn ping and resolve
            // the VIP: when the first read finds no MAC, but some host holds the VIP, read again once ping is done.
            // A VIP held nowhere has nothing to resolve, so its facts are not delayed.
            CompletableFuture<ArpView> entry = freshened.thenCompose(x -> read.get())
                    .thenCompose(first -> resolved(first) || ping.isDone() ? CompletableFuture.completedFuture(first)
                            : heldSomewhere(views, vip).thenCompose(held -> !held
                                    ? CompletableFuture.completedFuture(first)
                                    : ping.handle((r, e) -> null).thenCompose(x -> read.get())));
            arp.add(within(entry, arpBudget, (d, e) -> new ArpView(name, Observed.timeout(d, e))));
            l2.add(within(entry.thenCompose(a -> probes.l2Macs(vip, vantage)), arpBudget,
                    Observed::timeout));
        }
        // The first connection of a fresh JVM spends ~0.3 s loading the driver's classes. Starting the VIP's query
        // once a host's identity query answered (or after DRIVER_WARMUP at most) makes its latency the server's,
        // not ours, at no cost to the cycle: the answer cannot be named before the identities are in anyway.
        CompletableFuture<?> warm = CompletableFuture.anyOf(identities.values().toArray(CompletableFuture[]::new))
                .completeOnTimeout(null, DRIVER_WARMUP.toMillis(), TimeUnit.MILLISECONDS);
        CompletableFuture<MysqlClient.Answer> sql = within(
                warm.handle((v, e) -> null).thenApplyAsync(v -> probes.sql(vip.address().ip(), false), sqlExecutor),
                sqlBudget().plus(DRIVER_WARMUP), (d, e) -> new MysqlClient.Answer(false, null, e, d, true));
        return new VipProbe(cluster, vip, handovers.applying(cluster.name(), vip), clock.instant(), System.nanoTime(),
                views, identities, ping, names, arp, l2, sql);
    }

    private static boolean resolved(ArpView view) {
        return view.entry().known() && !view.entry().value().mac().isEmpty();
    }

    /** Completes true as soon as one host is seen carrying the VIP, false once every host answered otherwise. */
    private static CompletableFuture<Boolean> heldSomewhere(
            Map<String, CompletableFuture<Observed<HostSnapshot>>> views, VipConfig vip) {
        CompletableFuture<Boolean> held = new CompletableFuture<>();
        String ip = vip.address().ip();
        java.util.concurrent.atomic.AtomicInteger left = new java.util.concurrent.atomic.AtomicInteger(views.size());
        views.values().forEach(f -> f.whenComplete((view, e) -> {
            if (e == null && view != null && view.known() && view.value().carrying(ip).isPresent()) {
                held.complete(true);
            } else if (left.decrementAndGet() == 0) {
                held.complete(false);
            }
        }));
        if (views.isEmpty()) {
            held.complete(false);
        }
        return held;
    }

    private Duration sshBudget() {
        return config.ssh().connectTimeout().plus(config.ssh().commandTimeout()).plusSeconds(1);
    }

    private Duration sqlBudget() {
        return config.mysql().connectTimeout().plus(config.mysql().queryTimeout()).multipliedBy(2).plusSeconds(1);
    }

    private Duration pingBudget() {
        return config.probes().pingTimeout().plusSeconds(1);
    }

    private Duration l2Budget() {
        return config.probes().l2Window().plusSeconds(1);
    }

    /** What a future yields when its budget runs out: (detail, elapsed) → value. */
    interface OnTimeout<T> {
        T apply(String detail, Duration elapsed);
    }

    private <T> CompletableFuture<T> async(Supplier<T> task, Duration budget, OnTimeout<T> onTimeout) {
        return async(task, executor, budget, onTimeout);
    }

    private <T> CompletableFuture<T> async(Supplier<T> task, ExecutorService pool, Duration budget,
                                           OnTimeout<T> onTimeout) {
        return within(CompletableFuture.supplyAsync(task, pool), budget, onTimeout);
    }

    private static <T> CompletableFuture<T> within(CompletableFuture<T> f, Duration budget, OnTimeout<T> onTimeout) {
        long start = System.nanoTime();
        return f.completeOnTimeout(null, budget.toMillis(), TimeUnit.MILLISECONDS)
                .handle((v, error) -> {
                    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
                    if (error != null) {
                        return onTimeout.apply("probe failed: " + error, elapsed);
                    }
                    return v != null ? v : onTimeout.apply("no result within " + budget.toMillis() + "ms", elapsed);
                });
    }

}
