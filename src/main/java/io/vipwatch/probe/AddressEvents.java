package io.vipwatch.probe;

import com.jcraft.jsch.JSchException;
import io.vipwatch.config.ClusterConfig;
import io.vipwatch.config.HostConfig;
import io.vipwatch.config.VipConfig;
import io.vipwatch.remote.RemoteStream;
import io.vipwatch.remote.SshPool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Event-driven detection: one {@code ip -o monitor address} stream per host over its pooled SSH session, so a VIP
 * added or deleted anywhere is noticed within milliseconds instead of at the next poll. An event patches the host's
 * last read in {@link LiveLocations} and starts a probe cycle of the VIPs it concerns: the cycle shows at once what
 * the event implies, then reads every host afresh, and only rules the fresh reads confirm may start a repair — so
 * nothing is ever repaired on the strength of an event alone, and polling stays as the safety net.
 *
 * <p>A stream that ends is reopened with exponential backoff (0.5 s doubling to 30 s; a stream that ran for 30 s
 * starts again at 0.5 s, one that keeps dying right after opening does not); after it is back, every VIP of the
 * cluster gets a cycle, since events during the gap were lost.
 */
public final class AddressEvents implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AddressEvents.class);
    /** Constant: no value from the config reaches this command line. */
    static final String COMMAND = "exec ip -o monitor address";
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** A stream that ran this long before it ended starts its backoff afresh. */
    private static final Duration STABLE = Duration.ofSeconds(30);
    /** {@code [Deleted ]IDX: IFACE    inet A.B.C.D/LEN ...}, possibly after a {@code [ADDR]} tag. */
    private static final Pattern EVENT = Pattern.compile(
            "^(?:\\[[A-Z]+]\\s*)?(Deleted\\s+)?\\d+:\\s+(\\S+)\\s+inet\\s+(\\d{1,3}(?:\\.\\d{1,3}){3})/(\\d{1,2})\\b.*");

    /** What the watchdog does with an event. */
    public interface Listener {
        /** An address of {@code vip} was added to or deleted from {@code host}. */
        void changed(ClusterConfig cluster, VipConfig vip, String host, boolean added);

        /** A host's stream (re)opened: events may have been missed before it. */
        void resynced(ClusterConfig cluster, String host);

        /** A host's stream went up or down (metrics). */
        void streamState(String host, boolean up, boolean reconnect);
    }

    /** One parsed event line. */
    record Event(boolean added, String iface, String ip, int prefix) {
        static Optional<Event> parse(String line) {
            Matcher m = EVENT.matcher(line.strip());
            return m.matches() ? Optional.of(new Event(m.group(1) == null, m.group(2), m.group(3),
                    Integer.parseInt(m.group(4)))) : Optional.empty();
        }

        String cidr() {
            return ip + "/" + prefix;
        }
    }

    private final class HostStream {
        final ClusterConfig cluster;
        final HostConfig host;
        final Map<String, VipConfig> vipsByIp = new LinkedHashMap<>();
        RemoteStream stream;
        int failures;
        boolean everUp;
        long openedNanos;

        HostStream(ClusterConfig cluster, HostConfig host) {
            this.cluster = cluster;
            this.host = host;
            cluster.vips().forEach(v -> vipsByIp.put(v.address().ip(), v));
        }
    }

    private final SshPool ssh;
    private final Listener listener;
    private final LiveLocations live;
    private final List<HostStream> streams = new ArrayList<>();
    private final ScheduledExecutorService reconnects = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vipwatch-event-streams");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;

    public AddressEvents(List<ClusterConfig> clusters, SshPool ssh, LiveLocations live, Listener listener) {
        this.ssh = ssh;
        this.listener = listener;
        this.live = live;
        clusters.forEach(c -> c.hosts().forEach(h -> streams.add(new HostStream(c, h))));
    }

    /** Opens every host's stream (in the background: a dead host must not delay the others). */
    public void start() {
        streams.forEach(s -> schedule(s, Duration.ZERO));
    }

    private void schedule(HostStream s, Duration delay) {
        try {
            reconnects.schedule(() -> open(s), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void open(HostStream s) {
        if (closed) {
            return;
        }
        try {
            RemoteStream stream = ssh.stream(s.host, COMMAND, line -> onLine(s, line), reason -> ended(s, reason));
            synchronized (s) {
                s.stream = stream;
            }
            boolean reconnect = s.everUp;
            s.everUp = true;
            s.openedNanos = System.nanoTime();
            live.stream(s.cluster.name(), s.host.name(), true);
            log.info("{}: address event stream open{}", s.host.name(), reconnect ? " again" : "");
            listener.streamState(s.host.name(), true, reconnect);
            if (reconnect) {
                listener.resynced(s.cluster, s.host.name());
            }
            if (closed) {
                stream.close();
            }
        } catch (JSchException | RuntimeException e) {
            retry(s, "cannot open: " + e.getMessage());
        }
    }

    private void onLine(HostStream s, String line) {
        Event.parse(line).ifPresent(e -> {
            live.event(s.cluster.name(), s.host.name(), e.iface(), e.cidr(), e.added());
            VipConfig vip = s.vipsByIp.get(e.ip());
            if (vip != null) {
                log.info("{}/{}: {} {} on {} ({})", s.cluster.name(), vip.name(), e.added() ? "added" : "deleted",
                        e.ip(), s.host.name(), e.iface());
                listener.changed(s.cluster, vip, s.host.name(), e.added());
            }
        });
    }

    private void ended(HostStream s, String reason) {
        if (closed) {
            return;
        }
        live.stream(s.cluster.name(), s.host.name(), false);
        listener.streamState(s.host.name(), false, false);
        if (System.nanoTime() - s.openedNanos > STABLE.toNanos()) {
            s.failures = 0; // it ran for a while: a fresh failure, not a stream that dies as soon as it opens
        }
        retry(s, reason);
    }

    private void retry(HostStream s, String why) {
        if (closed) {
            return;
        }
        long factor = 1L << Math.min(s.failures, 16);
        Duration delay = FIRST_BACKOFF.multipliedBy(factor);
        if (delay.compareTo(MAX_BACKOFF) > 0) {
            delay = MAX_BACKOFF;
        }
        s.failures++;
        log.warn("{}: address event stream down ({}); polling goes on, retrying in {} ms", s.host.name(), why,
                delay.toMillis());
        schedule(s, delay);
    }

    /** Hosts whose stream is open now. */
    public List<String> openStreams() {
        List<String> out = new ArrayList<>();
        for (HostStream s : streams) {
            synchronized (s) {
                if (s.stream != null && s.stream.open()) {
                    out.add(s.host.name());
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        closed = true;
        reconnects.shutdownNow();
        for (HostStream s : streams) {
            synchronized (s) {
                if (s.stream != null) {
                    s.stream.close();
                }
            }
        }
    }
}
