package io.vipwatch.probe;

import io.vipwatch.config.ClusterConfig;
import io.vipwatch.config.HostConfig;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * One kind of per-host read (interfaces, MySQL identity), shared by the VIPs of a cluster: the cluster's hosts are
 * read together, in a round, and a round serves every VIP that asks while it is younger than {@code maxAge}. A
 * host whose read is still in flight when the next round starts keeps that read, so a hung host costs one read, not
 * one per round.
 *
 * <p>A fresh round costs a VIP one map lookup. (Sharing by host used to cost each VIP a locked map update per host:
 * at 200 VIPs over 40 hosts, 8,000 updates in the first instant of a tick, on two cores also busy with the reads.
 * Threads preempted while holding those locks held up the others' start by up to seconds.)
 */
final class HostRounds<T> {
    private final long maxAgeNanos;
    private final LongSupplier nanoTime;
    private final Map<String, Round<T>> latest = new ConcurrentHashMap<>();

    /** The reads of one cluster's hosts, started together at {@code startedNanos}. */
    private record Round<T>(Map<String, CompletableFuture<T>> reads, long startedNanos) {
    }

    HostRounds(Duration maxAge) {
        this(maxAge, System::nanoTime);
    }

    HostRounds(Duration maxAge, LongSupplier nanoTime) {
        this.maxAgeNanos = maxAge.toNanos();
        this.nanoTime = nanoTime;
    }

    /** The current round's reads by host name, starting a new round with {@code read} when there is none fresh. */
    Map<String, CompletableFuture<T>> current(ClusterConfig cluster, Function<HostConfig, CompletableFuture<T>> read) {
        Round<T> round = latest.get(cluster.name());
        if (fresh(round, nanoTime.getAsLong())) {
            return round.reads();
        }
        synchronized (this) { // once per round: the VIPs that ask meanwhile take the round this one starts
            round = latest.get(cluster.name());
            long now = nanoTime.getAsLong();
            if (fresh(round, now)) {
                return round.reads();
            }
            Map<String, CompletableFuture<T>> reads = new LinkedHashMap<>();
            for (HostConfig host : cluster.hosts()) {
                CompletableFuture<T> old = round == null ? null : round.reads().get(host.name());
                reads.put(host.name(), old != null && !old.isDone() ? old : read.apply(host));
            }
            Round<T> next = new Round<>(Collections.unmodifiableMap(reads), now);
            latest.put(cluster.name(), next);
            return next.reads();
        }
    }

    /** The next request for {@code cluster} starts a new round, with a new read of every host. */
    void forget(String cluster) {
        latest.remove(cluster);
    }

    private boolean fresh(Round<T> round, long now) {
        return round != null && now - round.startedNanos() < maxAgeNanos;
    }
}
