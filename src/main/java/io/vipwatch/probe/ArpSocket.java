package io.vipwatch.probe;

import io.vipwatch.config.InterfaceName;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One AF_PACKET socket per interface that asks ARP "who has" for many addresses at once and collects every MAC
 * that answers. It replaces an {@code arping} per VIP per cycle: fork and exec cost 5-25 ms of CPU each, most of a
 * core at 200 VIPs every 5 s, and {@code arping -D} stops at the first reply while a second holder (split brain) is
 * what we look for. The JDK has no link-layer sockets, so {@link PacketSockets} reaches libc through JNA (no native
 * code of ours to build). One receive thread per socket hands each reply to the calls waiting for its sender
 * address; one shared timer thread ends the listening windows.
 */
final class ArpSocket implements AutoCloseable {
    static final Duration MIN_WINDOW = Duration.ofMillis(50);
    static final Duration MAX_WINDOW = Duration.ofSeconds(10); // probes.l2_window allows 100ms-10s
    private static final int ETH_P_ARP = 0x0806;
    private static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};
    /** How long a receive blocks, so the receive thread notices {@link #close()} within this time. */
    private static final Duration RECEIVE_TICK = Duration.ofMillis(200);
    private static final Logger LOG = LoggerFactory.getLogger(ArpSocket.class);
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();
    private static final ScheduledThreadPoolExecutor WINDOWS = windowTimer();

    private final InterfaceName iface;
    private final int ifindex;
    private final int fd;
    private final byte[] mac;
    private final String macText;
    private final List<ArpPacket.Source> sources;
    private final Calls calls = new Calls();
    private final Object fdLock = new Object();   // sends, and the release of fd, never overlap
    private volatile boolean closed;              // written under fdLock

    private ArpSocket(InterfaceName iface, int ifindex, int fd, byte[] mac, List<ArpPacket.Source> sources) {
        this.iface = iface;
        this.ifindex = ifindex;
        this.fd = fd;
        this.mac = mac.clone();
        this.macText = ArpPacket.MAC.formatHex(mac);
        this.sources = List.copyOf(sources);
    }

    /**
     * Opens a packet socket for ARP on {@code iface}; empty, with the reason logged once at WARN, when the process
     * lacks CAP_NET_RAW, JNA cannot load, or the interface does not exist or has no IPv4 address or MAC.
     */
    static Optional<ArpSocket> open(InterfaceName iface) {
        if (!IcmpEcho.AVAILABLE) {  // the same capability that the raw ICMP socket needs
            return unavailable(iface, "the process lacks CAP_NET_RAW", "");
        }
        try {
            NetworkInterface nic = NetworkInterface.getByName(iface.value());
            if (nic == null) {
                return unavailable(iface, "no such interface", "");
            }
            byte[] mac = nic.getHardwareAddress();
            if (mac == null || mac.length != 6) {
                return unavailable(iface, "no Ethernet MAC address", "");
            }
            List<ArpPacket.Source> sources = new ArrayList<>();
            for (InterfaceAddress a : nic.getInterfaceAddresses()) {
                if (a.getAddress() instanceof Inet4Address v4) {
                    sources.add(new ArpPacket.Source(v4, a.getNetworkPrefixLength()));
                }
            }
            if (sources.isEmpty()) {
                return unavailable(iface, "no IPv4 address", "");
            }
            int fd = PacketSockets.open(ETH_P_ARP, nic.getIndex(), RECEIVE_TICK);
            ArpSocket socket = new ArpSocket(iface, nic.getIndex(), fd, mac, sources);
            ProbeThreads.named("vipwatch-arp-" + iface).newThread(socket::receive).start();
            return Optional.of(socket);
        } catch (SocketException e) {
            return unavailable(iface, "cannot read the interface", e.getMessage());
        } catch (IOException e) {
            return unavailable(iface, "no packet socket", e.getMessage());
        } catch (LinkageError e) {
            return unavailable(iface, "JNA cannot load", e.toString());
        }
    }

    /**
     * Broadcasts one ARP request "who has {@code target}" and completes with every distinct sender MAC (lower case,
     * in order of first reply) of the replies for {@code target} that arrive within {@code window} (50ms-10s), or
     * early, once two MACs answered: that already proves a duplicate. Completes exceptionally with an
     * {@link IOException} when the request cannot be sent or the socket is closed during the window. The future
     * completes on the receive thread or the shared timer thread: chain only quick work, or use the async methods.
     */
    CompletableFuture<List<String>> whoHas(Inet4Address target, Duration window) {
        if (window.compareTo(MIN_WINDOW) < 0 || window.compareTo(MAX_WINDOW) > 0) {
            throw new IllegalArgumentException("window must be 50ms..10000ms, found " + window.toMillis() + "ms");
        }
        Call call = new Call(iface.value(), target, window);
        calls.track(call);  // before the request goes out, so that no reply can come too early
        try {
            send(ArpPacket.request(mac, ArpPacket.Source.pick(sources, target), target));
        } catch (IOException e) {
            String what = "ARP who-has " + target.getHostAddress() + " on " + iface;
            call.result.completeExceptionally(new IOException(what + ": " + e.getMessage(), e));
            return call.result;
        }
        ScheduledFuture<?> timer = WINDOWS.schedule(call::windowEnded, window.toNanos(), TimeUnit.NANOSECONDS);
        call.result.whenComplete((macs, e) -> timer.cancel(false));
        return call.result;
    }

    /**
     * Closes the socket; calls still in their window complete exceptionally rather than with the replies so far: a
     * window cut short says nothing about the holders that had not answered yet, and an empty or single-MAC list
     * would read as "VIP missing" or "no split brain". Idempotent.
     */
    @Override
    public void close() {
        synchronized (fdLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        // The receive thread releases fd once it sees the flag: releasing it here could hand the number to another
        // socket while that thread still reads it.
        calls.failAll("the ARP socket was closed");
    }

    private void send(byte[] request) throws IOException {
        synchronized (fdLock) {
            if (closed) {
                throw new IOException("the ARP socket is closed");
            }
            PacketSockets.sendTo(fd, request, ETH_P_ARP, ifindex, BROADCAST);
        }
    }

    private void receive() {
        byte[] frame = new byte[256];
        try {
            while (!closed) {
                int length = PacketSockets.receive(fd, frame, ifindex);
                // the socket sees this host's outgoing frames too: a reply from our MAC answered someone else
                ArpPacket.reply(frame, length).filter(r -> !r.senderMac().equals(macText)).ifPresent(calls::deliver);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("ARP socket on {} fails and is closed: {}", iface, e.toString());
            close();
        } finally {
            synchronized (fdLock) {
                PacketSockets.release(fd);
            }
        }
    }

    /** Logs at WARN once per interface and reason: the caller may try again every cycle. */
    private static Optional<ArpSocket> unavailable(InterfaceName iface, String reason, String detail) {
        String message = "no in-process ARP on " + iface + ": " + reason + (detail.isEmpty() ? "" : ": " + detail);
        if (WARNED.add(iface + ": " + reason)) {
            LOG.warn(message);
        } else {
            LOG.debug(message);
        }
        return Optional.empty();
    }

    private static ScheduledThreadPoolExecutor windowTimer() {
        ScheduledThreadPoolExecutor timer =
                new ScheduledThreadPoolExecutor(1, ProbeThreads.named("vipwatch-arp-window"));
        timer.setRemoveOnCancelPolicy(true);  // most windows of a split brain end early: drop their timers at once
        return timer;
    }

    /** One whoHas in its window: the MACs seen so far and the future they complete. */
    static final class Call {
        final CompletableFuture<List<String>> result = new CompletableFuture<>();
        final int target;
        private final String iface;
        private final Inet4Address targetAddress;
        private final Duration window;
        private final long startNanos = System.nanoTime();
        private final Set<String> macs = new LinkedHashSet<>();  // guarded by this

        Call(String iface, Inet4Address target, Duration window) {
            this.iface = iface;
            this.targetAddress = target;
            this.target = ArpPacket.toInt(target);
            this.window = window;
        }

        void offer(String mac) {
            List<String> two;
            synchronized (this) {
                if (!macs.add(mac) || macs.size() < 2) {
                    return;
                }
                two = List.copyOf(macs);
            }
            result.complete(two);
        }

        void windowEnded() {
            result.complete(snapshot());
        }

        void abandon(String why) {
            long ms = (System.nanoTime() - startNanos) / 1_000_000;
            result.completeExceptionally(new IOException("ARP who-has " + targetAddress.getHostAddress() + " on "
                    + iface + ": " + why + " " + ms + "ms into the " + window.toMillis() + "ms window ("
                    + snapshot().size() + " MAC(s) by then)"));
        }

        private synchronized List<String> snapshot() {
            return List.copyOf(macs);
        }
    }

    /** The calls in their windows, by target address. */
    static final class Calls {
        private final Map<Integer, List<Call>> byTarget = new HashMap<>();  // guarded by itself

        /** Registers the call until it completes, however it completes (also when a caller cancels it). */
        void track(Call call) {
            synchronized (byTarget) {
                byTarget.computeIfAbsent(call.target, t -> new ArrayList<>()).add(call);
            }
            call.result.whenComplete((macs, e) -> remove(call));
        }

        private void remove(Call call) {
            synchronized (byTarget) {
                List<Call> same = byTarget.get(call.target);
                if (same != null && same.remove(call) && same.isEmpty()) {
                    byTarget.remove(call.target);
                }
            }
        }

        /** Completing a future runs its dependents: never while holding the lock. */
        void deliver(ArpPacket.Reply reply) {
            List<Call> waiting;
            synchronized (byTarget) {
                waiting = List.copyOf(byTarget.getOrDefault(reply.senderIp(), List.of()));
            }
            waiting.forEach(c -> c.offer(reply.senderMac()));
        }

        void failAll(String why) {
            List<Call> all = new ArrayList<>();
            synchronized (byTarget) {
                byTarget.values().forEach(all::addAll);
            }
            all.forEach(c -> c.abandon(why));
        }

        int size() {
            synchronized (byTarget) {
                return byTarget.values().stream().mapToInt(List::size).sum();
            }
        }
    }
}
