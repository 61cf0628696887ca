package io.vipwatch.probe;

import io.vipwatch.config.ClusterConfig;
import io.vipwatch.config.HostConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every host's interfaces as the last successful read saw them, kept current by its address event stream ("list,
 * then watch"): a deleted VIP shows as deleted the moment its event arrives, without another SSH round trip.
 *
 * <p>It only answers while that is sound. A host's view exists only while its stream is up and has been up since
 * before the read started ({@link #STREAM_SETTLE} after the stream opened, so {@code ip monitor} has subscribed);
 * a read that an event overtook is dropped rather than merged (the event may or may not be in it), and a failed
 * read forgets the host. Patches are idempotent, so an event that arrives after a read already saw its change does
 * no harm. The service shows what this view implies at once, but acts only on fresh reads.
 */
public final class LiveLocations {
    /** How long after a stream opened its {@code ip monitor} is taken to be listening. */
    static final Duration STREAM_SETTLE = Duration.ofSeconds(1);

    private final Map<String, Host> hosts = new HashMap<>();
    private final long settleNanos;

    public LiveLocations() {
        this(STREAM_SETTLE);
    }

    LiveLocations(Duration settle) {
        this.settleNanos = settle.toNanos();
    }

    private static final class Host {
        /** Bumped by every event and stream change: a read that started before it may not include it. */
        long epoch;
        boolean streamUp;
        long trustedFromNanos = Long.MAX_VALUE;
        HostSnapshot snapshot;
    }

    /** A read about to start on {@code host}; pass the token to {@link #read}. */
    public synchronized long beginRead(String cluster, String host) {
        Host h = host(cluster, host);
        return h.streamUp && System.nanoTime() >= h.trustedFromNanos ? h.epoch : -1;
    }

    /** A read that started with {@code token} finished: keep it if nothing happened on the host meanwhile. */
    public synchronized void read(String cluster, String host, long token, Observed<HostSnapshot> result) {
        Host h = host(cluster, host);
        if (!result.known()) {
            h.snapshot = null;
        } else if (token >= 0 && token == h.epoch) {
            h.snapshot = result.value();
        }
    }

    /** An address event: {@code cidr} (e.g. {@code 198.51.100.100/25}) was added to or deleted from {@code iface}. */
    public synchronized void event(String cluster, String host, String iface, String cidr, boolean added) {
        Host h = host(cluster, host);
        h.epoch++;
        if (h.snapshot != null) {
            h.snapshot = patched(h.snapshot, iface, cidr, added).orElse(null);
        }
    }

    /** The host's stream opened or ended: its view starts again from the next read. */
    public synchronized void stream(String cluster, String host, boolean up) {
        Host h = host(cluster, host);
        h.epoch++;
        h.streamUp = up;
        h.snapshot = null;
        h.trustedFromNanos = up ? System.nanoTime() + settleNanos : Long.MAX_VALUE;
    }

    /** Every host of the cluster as events keep it, or empty when any host has no sound view. */
    public synchronized Optional<Map<String, Observed<HostSnapshot>>> cluster(ClusterConfig cluster) {
        Map<String, Observed<HostSnapshot>> out = new LinkedHashMap<>();
        for (HostConfig host : cluster.hosts()) {
            Host h = hosts.get(key(cluster.name(), host.name()));
            if (h == null || !h.streamUp || h.snapshot == null) {
                return Optional.empty();
            }
            out.put(host.name(), Observed.ok(h.snapshot, Duration.ZERO));
        }
        return Optional.of(out);
    }

    /**
     * The snapshot with {@code cidr} added to or removed from {@code iface}; empty when an address appeared on an
     * interface the snapshot does not know (its MAC and link state would be guesses).
     */
    static Optional<HostSnapshot> patched(HostSnapshot snapshot, String iface, String cidr, boolean added) {
        Optional<InterfaceState> known = snapshot.iface(iface);
        if (known.isEmpty()) {
            return added ? Optional.empty() : Optional.of(snapshot);
        }
        InterfaceState i = known.get();
        List<String> addresses = new ArrayList<>(i.addresses());
        addresses.remove(cidr);
        if (added) {
            addresses.add(cidr);
        }
        Map<String, InterfaceState> interfaces = new HashMap<>(snapshot.interfaces());
        interfaces.put(iface, new InterfaceState(i.name(), i.mac(), i.adminUp(), i.carrier(), addresses));
        return Optional.of(new HostSnapshot(interfaces));
    }

    private Host host(String cluster, String host) {
        return hosts.computeIfAbsent(key(cluster, host), k -> new Host());
    }

    private static String key(String cluster, String host) {
        return cluster + "/" + host;
    }
}
