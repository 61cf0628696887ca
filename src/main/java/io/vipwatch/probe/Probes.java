package io.vipwatch.probe;

import io.vipwatch.config.Config;
import io.vipwatch.config.HostConfig;
import io.vipwatch.config.InterfaceName;
import io.vipwatch.config.VipConfig;
import io.vipwatch.remote.CommandResult;
import io.vipwatch.remote.Commands;
import io.vipwatch.remote.LocalExec;
import io.vipwatch.remote.MysqlClient;
import io.vipwatch.remote.SshPool;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The individual probes, each a call with its own deadline that turns what a command printed into an
 * {@link Observed} value; the neighbour entry and the L2 check come back as futures (the neighbour table is read
 * once for the VIPs probed together). {@link ProbeCycle} decides what runs concurrently.
 */
final class Probes implements AutoCloseable {
    /** Slack on top of a command's own limit for starting the process (fork/exec, JVM scheduling). */
    private static final Duration EXEC_SLACK = Duration.ofMillis(500);
    private static final Duration ROUTE_TTL = Duration.ofMinutes(1);

    private final Config config;
    private final SshPool ssh;
    private final LocalExec local;
    private final MysqlClient mysql;
    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    private final Map<String, NeighbourReads> neighbourReads = new ConcurrentHashMap<>();
    /** The watchdog's own ARP sockets by interface; empty where none can be opened (then arping runs). */
    private final Map<String, Opened> arpSockets = new ConcurrentHashMap<>();
    private final boolean useArpSocket;
    private final Executor executor;

    Probes(Config config, SshPool ssh, LocalExec local, MysqlClient mysql, Executor executor, boolean arpSocket) {
        this.executor = executor;
        this.useArpSocket = arpSocket;
        this.config = config;
        this.ssh = ssh;
        this.local = local;
        this.mysql = mysql;
    }

    /** Every interface of a host, with its addresses, MAC and link state. */
    Observed<HostSnapshot> location(HostConfig host) {
        return HostSnapshot.read(ssh, host, config.ssh().commandTimeout());
    }

    /** One echo request. No reply is a fact (ok=false); only a ping that could not run is unknown. */
    Observed<PingReply> ping(VipConfig vip) {
        Duration wait = config.probes().pingTimeout();
        if (IcmpEcho.AVAILABLE) {
            return IcmpEcho.echo(vip.address().address(), wait);
        }
        CommandResult r = local.run(Commands.ping(vip.address().address(), wait), wait.plus(EXEC_SLACK));
        return switch (r.outcome()) {
            case COMPLETED -> switch (r.exitCode()) {
                case 0 -> Observed.ok(new PingReply(true, IpParsers.pingRttMs(r.stdout()).orElse(0), ""), r.elapsed());
                case 1 -> Observed.ok(new PingReply(false, 0, "no reply within " + wait.toMillis() + "ms"), r.elapsed());
                default -> Observed.ok(new PingReply(false, 0, firstLine(r.stderr() + r.stdout())), r.elapsed());
            };
            case TIMEOUT, ERROR -> Observed.unknown(r);
        };
    }

    /**
     * The neighbour entry for the VIP on the watchdog host ({@code observer} empty) or on an observer, from a read
     * of the vantage's whole table that starts after this call and serves the other VIPs asking alongside.
     */
    CompletableFuture<Observed<NeighbourEntry>> neighbour(VipConfig vip, Optional<HostConfig> observer) {
        String vantage = observer.map(HostConfig::name).orElse("");
        NeighbourReads reads = neighbourReads.computeIfAbsent(vantage, v -> new NeighbourReads(
                () -> observer.map(o -> ssh.exec(o, Commands.NEIGHBOURS, config.ssh().commandTimeout()))
                        .orElseGet(() -> local.run(Commands.NEIGHBOURS, config.ssh().commandTimeout())), executor));
        return reads.next().thenApply(r -> r.succeeded()
                ? Observed.ok(IpParsers.neighbour(r.stdout(), vip.address().ip()).orElse(ArpView.none()), r.elapsed())
                : Observed.unknown(r));
    }

    /**
     * Every MAC that answers ARP for the VIP, from the watchdog host (on the interface its route uses, through an
     * {@link ArpSocket}, or arping where none can be opened) or from an observer (arping on its configured
     * interface, over SSH). This sees holders that are not configured hosts at all.
     */
    CompletableFuture<Observed<List<String>>> l2Macs(VipConfig vip, Optional<HostConfig> observer) {
        Duration window = config.probes().l2Window();
        Duration limit = window.plus(EXEC_SLACK).plus(EXEC_SLACK);
        if (observer.isPresent()) {
            List<String> argv = Commands.arpWhoHas(observer.get().iface(), vip.address().address(), window);
            return CompletableFuture.supplyAsync(() -> arpingResult(ssh.exec(observer.get(), argv, limit)), executor);
        }
        return CompletableFuture.supplyAsync(() -> localRoute(vip), executor).thenCompose(dev -> {
            if (!dev.known()) {
                return CompletableFuture.completedFuture(Observed.<List<String>>error(dev.detail(), dev.elapsed()));
            }
            Optional<ArpSocket> socket = useArpSocket ? arpSocket(dev.value()) : Optional.empty();
            CompletableFuture<Observed<List<String>>> macs = socket.isPresent()
                    ? askSocket(socket.get(), dev.value(), vip, window)
                    : CompletableFuture.supplyAsync(() -> arpingResult(local.run(
                            Commands.arpWhoHas(dev.value(), vip.address().address(), window), limit)), executor);
            return macs.thenApply(m -> {
                if (!m.known()) {
                    routes.remove(vip.address().ip()); // perhaps the route moved: look it up again next time
                }
                return m;
            });
        });
    }

    private CompletableFuture<Observed<List<String>>> askSocket(ArpSocket socket, InterfaceName dev, VipConfig vip,
                                                                Duration window) {
        long start = System.nanoTime();
        return socket.whoHas(vip.address().address(), window).handleAsync((macs, error) -> {
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            if (error == null) {
                return Observed.ok(macs, elapsed);
            }
            // A send that failed (the interface was re-created, say) will fail again: open a new socket next time.
            arpSockets.computeIfPresent(dev.value(), (name, known) -> known.socket().orElse(null) == socket ? null : known);
            socket.close();
            return Observed.error("ARP who-has " + vip.address().ip() + " on " + dev.value() + ": "
                    + rootMessage(error), elapsed);
        }, executor);
    }

    /**
     * The ARP socket on {@code dev}, opened on first use; where none can be opened (no CAP_NET_RAW, say), the
     * arping command is used, and opening is tried again after {@link #ROUTE_TTL}.
     */
    private Optional<ArpSocket> arpSocket(InterfaceName dev) {
        long now = System.nanoTime();
        return arpSockets.compute(dev.value(), (name, known) -> known != null
                && (known.socket().isPresent() || now - known.openedNanos() < ROUTE_TTL.toNanos())
                ? known : new Opened(ArpSocket.open(dev), now)).socket();
    }

    /** An ARP socket, or the lack of one, and when opening it was tried. */
    private record Opened(Optional<ArpSocket> socket, long openedNanos) {
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }

    /** Closes the ARP sockets. */
    @Override
    public void close() {
        arpSockets.values().forEach(o -> o.socket().ifPresent(ArpSocket::close));
        arpSockets.clear();
    }

    /**
     * The watchdog's interface towards the VIP, from {@code ip route get}, remembered for one to two
     * {@link #ROUTE_TTL}s: the route rarely changes, and the lookup would otherwise cost a process per VIP per cycle.
     */
    private Observed<InterfaceName> localRoute(VipConfig vip) {
        long now = System.nanoTime();
        Route known = routes.get(vip.address().ip());
        if (known != null && now < known.expiresNanos()) {
            return Observed.ok(known.dev(), Duration.ZERO);
        }
        CommandResult route = local.run(Commands.routeTo(vip.address().address()), config.ssh().commandTimeout());
        Optional<String> dev = route.succeeded() ? IpParsers.routeDevice(route.stdout()) : Optional.empty();
        if (dev.isEmpty() || !InterfaceName.isValid(dev.get())) {
            return Observed.error("no route from the watchdog host to " + vip.address().ip() + ": "
                    + firstLine(route.stderr() + route.stdout() + route.detail()), route.elapsed());
        }
        InterfaceName iface = new InterfaceName(dev.get());
        // Expiry spread over a second TTL, so that 200 VIPs do not look their routes up in the same second.
        long ttl = ROUTE_TTL.toNanos();
        routes.put(vip.address().ip(), new Route(iface, now + ttl + ThreadLocalRandom.current().nextLong(ttl)));
        return Observed.ok(iface, route.elapsed());
    }

    private record Route(InterfaceName dev, long expiresNanos) {
    }

    private static Observed<List<String>> arpingResult(CommandResult r) {
        // arping exits 1 when fewer replies than requested came back, and timeout(1) exits 124 when it cut the
        // listening window short: both are normal. Only a failure to run at all is unknown.
        boolean ran = r.outcome() == CommandResult.Outcome.COMPLETED
                && (r.exitCode() == 0 || r.exitCode() == 1 || r.exitCode() == 124);
        if (!ran) {
            return Observed.unknown(r);
        }
        return Observed.ok(IpParsers.arpingMacs(r.stdout()), r.elapsed());
    }

    /** {@code SELECT 1} and the server's identity, on the VIP or on a host's own address. */
    MysqlClient.Answer sql(String ip, boolean role) {
        return mysql.ask(ip, role);
    }

    static String firstLine(String s) {
        return s.strip().lines().findFirst().orElse("");
    }
}
