package io.vipwatch.probe;

import io.vipwatch.config.ClusterConfig;
import io.vipwatch.config.VipConfig;
import io.vipwatch.remote.MysqlClient;
import io.vipwatch.state.HandedOver;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The probes of one VIP, in flight, read in three widening snapshots. {@link #located()} waits only for the hosts'
 * interfaces (one SSH round trip, tens of milliseconds); {@link #early()} also for the neighbour entries and the L2
 * replies (a few hundred milliseconds); {@link #complete()} for everything (each probe is bounded). What has not
 * answered yet is {@link Observed.Status#PENDING}, which rules treat as unknown. A rule decided on a snapshot stays
 * decided when the rest comes in, so the service may act on it at once: a deleted VIP need not wait for the L2
 * window, let alone a ping timeout.
 */
public final class VipProbe {
    private final ClusterConfig cluster;
    private final VipConfig vip;
    private final Optional<HandedOver> handover;
    private final Instant started;
    private final long startNanos;
    private final Map<String, CompletableFuture<Observed<HostSnapshot>>> views;
    private final Map<String, CompletableFuture<MysqlClient.Answer>> identities;
    private final CompletableFuture<Observed<PingReply>> ping;
    private final List<String> vantages;
    private final List<CompletableFuture<ArpView>> arp;
    private final List<CompletableFuture<Observed<List<String>>>> l2;
    private final CompletableFuture<MysqlClient.Answer> sql;

    VipProbe(ClusterConfig cluster, VipConfig vip, Optional<HandedOver> handover, Instant started, long startNanos,
             Map<String, CompletableFuture<Observed<HostSnapshot>>> views,
             Map<String, CompletableFuture<MysqlClient.Answer>> identities,
             CompletableFuture<Observed<PingReply>> ping, List<String> vantages, List<CompletableFuture<ArpView>> arp,
             List<CompletableFuture<Observed<List<String>>>> l2, CompletableFuture<MysqlClient.Answer> sql) {
        this.cluster = cluster;
        this.vip = vip;
        this.handover = handover;
        this.started = started;
        this.startNanos = startNanos;
        this.views = views;
        this.identities = identities;
        this.ping = ping;
        this.vantages = List.copyOf(vantages);
        this.arp = arp;
        this.l2 = l2;
        this.sql = sql;
    }

    /**
     * Every fact, unless {@code cut} completes first (an address event asked for a new cycle): then what answered
     * so far, the rest pending. A cycle stuck waiting for a ping timeout against a VIP that just vanished is not
     * worth finishing when the next one can start from fresh facts at once.
     */
    public VipFacts complete(CompletableFuture<?> cut) {
        List<CompletableFuture<?>> all = new ArrayList<>(views.values());
        all.addAll(identities.values());
        all.addAll(arp);
        all.addAll(l2);
        all.add(ping);
        all.add(sql);
        CompletableFuture.anyOf(CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)), cut).join();
        return all.stream().allMatch(CompletableFuture::isDone) ? complete() : snapshot(false);
    }

    /** Every fact; blocks until every probe answered or ran out of its budget. */
    public VipFacts complete() {
        Map<String, MysqlClient.Answer> ids = new LinkedHashMap<>();
        identities.forEach((h, f) -> ids.put(h, f.join()));
        MysqlClient.Answer viaVip = sql.join();
        return facts(ping.join(), Observed.ok(SqlIdentity.identify(viaVip, ids), viaVip.latency()), roles(ids));
    }

    /** Where the VIP is: the hosts' interfaces; every other fact only if it already answered. */
    public VipFacts located() {
        return snapshot(false);
    }

    /**
     * Where the VIP is according to {@code views} — the hosts' interfaces as address events keep them, see
     * {@link LiveLocations} — with every other fact pending: what an event implies, before any read confirms it.
     */
    public VipFacts heard(Map<String, Observed<HostSnapshot>> views) {
        Duration now = elapsed();
        List<ArpView> entries = vantages.stream().map(v -> new ArpView(v, Observed.pending(now))).toList();
        return new VipFacts(cluster.name(), vip, started, now, LocationAssembler.locate(cluster, vip, views),
                Observed.pending(now), entries, Observed.pending(now), Observed.pending(now),
                new Roles(List.of(), false), handover);
    }

    /** Location, ARP entries and L2 replies; ping, SQL and roles only if they already answered. */
    public VipFacts early() {
        return snapshot(true);
    }

    /**
     * {@link #early()}, unless {@code cut} completes first: then what answered so far (see
     * {@link #complete(CompletableFuture)}).
     */
    public VipFacts early(CompletableFuture<?> cut) {
        List<CompletableFuture<?>> needed = new ArrayList<>(arp);
        needed.addAll(l2);
        CompletableFuture.anyOf(CompletableFuture.allOf(needed.toArray(CompletableFuture[]::new)), cut).join();
        return snapshot(needed.stream().allMatch(CompletableFuture::isDone));
    }

    private VipFacts snapshot(boolean waitForArp) {
        Duration now = elapsed();
        Observed<PingReply> p = ping.isDone() ? ping.join() : Observed.pending(now);
        boolean idsDone = identities.values().stream().allMatch(CompletableFuture::isDone);
        Map<String, MysqlClient.Answer> ids = new LinkedHashMap<>();
        if (idsDone) {
            identities.forEach((h, f) -> ids.put(h, f.join()));
        }
        Observed<SqlReply> s = sql.isDone() && idsDone
                ? Observed.ok(SqlIdentity.identify(sql.join(), ids), sql.join().latency())
                : Observed.pending(now);
        return facts(p, s, idsDone ? roles(ids) : new Roles(List.of(), false), waitForArp);
    }

    private VipFacts facts(Observed<PingReply> p, Observed<SqlReply> s, Roles roles) {
        return facts(p, s, roles, true);
    }

    private VipFacts facts(Observed<PingReply> p, Observed<SqlReply> s, Roles roles, boolean waitForArp) {
        Map<String, Observed<HostSnapshot>> hostViews = new LinkedHashMap<>();
        views.forEach((h, f) -> hostViews.put(h, f.join()));
        List<ArpView> entries = new ArrayList<>();
        for (int i = 0; i < arp.size(); i++) {
            CompletableFuture<ArpView> entry = arp.get(i);
            entries.add(waitForArp || entry.isDone() ? entry.join()
                    : new ArpView(vantages.get(i), Observed.pending(elapsed())));
        }
        Observed<List<String>> macs = waitForArp || l2.stream().allMatch(CompletableFuture::isDone)
                ? L2Merge.merge(l2) : Observed.pending(elapsed());
        Location location = LocationAssembler.locate(cluster, vip, hostViews);
        return new VipFacts(cluster.name(), vip, started, elapsed(), location, p, entries, macs, s, roles, handover);
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
