package io.vipwatch.probe;

import io.vipwatch.config.ClusterConfig;
import io.vipwatch.config.VipConfig;
import io.vipwatch.remote.MysqlClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The probes of one VIP, in flight. {@link #complete()} waits for all of them (each is bounded);
 * {@link #early()} waits only for what says where the VIP is — the hosts' interfaces, the neighbour entries and
 * the L2 replies, a few hundred milliseconds — and leaves what has not answered yet (ping, SQL, roles) unknown.
 * Rules evaluated on early facts can only be decided where those facts suffice, and a decided rule stays decided
 * when the rest comes in, so the service may act on them at once: a deleted VIP need not wait for a ping timeout.
 */
public final class VipProbe {
    private static final String PENDING = "not answered yet";

    private final ClusterConfig cluster;
    private final VipConfig vip;
    private final Instant started;
    private final long startNanos;
    private final Map<String, CompletableFuture<Observed<HostSnapshot>>> views;
    private final Map<String, CompletableFuture<MysqlClient.Answer>> identities;
    private final CompletableFuture<Observed<PingReply>> ping;
    private final List<CompletableFuture<ArpView>> arp;
    private final List<CompletableFuture<Observed<List<String>>>> l2;
    private final CompletableFuture<MysqlClient.Answer> sql;

    VipProbe(ClusterConfig cluster, VipConfig vip, Instant started, long startNanos,
             Map<String, CompletableFuture<Observed<HostSnapshot>>> views,
             Map<String, CompletableFuture<MysqlClient.Answer>> identities,
             CompletableFuture<Observed<PingReply>> ping, List<CompletableFuture<ArpView>> arp,
             List<CompletableFuture<Observed<List<String>>>> l2, CompletableFuture<MysqlClient.Answer> sql) {
        this.cluster = cluster;
        this.vip = vip;
        this.started = started;
        this.startNanos = startNanos;
        this.views = views;
        this.identities = identities;
        this.ping = ping;
        this.arp = arp;
        this.l2 = l2;
        this.sql = sql;
    }

    /** Every fact; blocks until every probe answered or ran out of its budget. */
    public VipFacts complete() {
        Map<String, MysqlClient.Answer> ids = new LinkedHashMap<>();
        identities.forEach((h, f) -> ids.put(h, f.join()));
        MysqlClient.Answer viaVip = sql.join();
        return facts(ping.join(), Observed.ok(SqlIdentity.identify(viaVip, ids), viaVip.latency()), roles(ids));
    }

    /** Location, ARP entries and L2 replies; ping, SQL and roles only if they already answered. */
    public VipFacts early() {
        Duration now = elapsed();
        Observed<PingReply> p = ping.isDone() ? ping.join() : Observed.error(PENDING, now);
        boolean idsDone = identities.values().stream().allMatch(CompletableFuture::isDone);
        Map<String, MysqlClient.Answer> ids = new LinkedHashMap<>();
        if (idsDone) {
            identities.forEach((h, f) -> ids.put(h, f.join()));
        }
        Observed<SqlReply> s = sql.isDone() && idsDone
                ? Observed.ok(SqlIdentity.identify(sql.join(), ids), sql.join().latency())
                : Observed.error(PENDING, now);
        return facts(p, s, idsDone ? roles(ids) : new Roles(List.of(), false));
    }

    private VipFacts facts(Observed<PingReply> p, Observed<SqlReply> s, Roles roles) {
        Map<String, Observed<HostSnapshot>> hostViews = new LinkedHashMap<>();
        views.forEach((h, f) -> hostViews.put(h, f.join()));
        List<ArpView> entries = arp.stream().map(CompletableFuture::join).toList();
        Observed<List<String>> macs = L2Merge.merge(l2);
        Location location = LocationAssembler.locate(cluster, vip, hostViews);
        return new VipFacts(cluster.name(), vip, started, elapsed(), location, p, entries, macs, s, roles);
    }

    private Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private static Roles roles(Map<String, MysqlClient.Answer> answers) {
        List<String> masters = new ArrayList<>();
        boolean complete = true;
        for (Map.Entry<String, MysqlClient.Answer> e : answers.entrySet()) {
            Boolean master = e.getValue().ok() ? e.getValue().master() : null;
            complete &= master != null;
            if (Boolean.TRUE.equals(master)) {
                masters.add(e.getKey());
            }
        }
        return new Roles(masters, complete);
    }
}
