package io.vipwatch.probe;

import io.vipwatch.config.HostConfig;
import io.vipwatch.remote.CommandResult;
import io.vipwatch.remote.Commands;
import io.vipwatch.remote.SshPool;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Every interface of one host, read in one SSH round trip and shared by all VIPs of its cluster. */
public record HostSnapshot(Map<String, InterfaceState> interfaces) {
    public HostSnapshot {
        interfaces = Map.copyOf(interfaces);
    }

    /** Reads {@code host}'s interfaces over its pooled SSH session (one {@code ip addr show}), within {@code timeout}. */
    public static Observed<HostSnapshot> read(SshPool ssh, HostConfig host, Duration timeout) {
        CommandResult r = ssh.ip(host, Commands.INTERFACES, timeout);
        if (!r.succeeded()) {
            return Observed.unknown(r);
        }
        try {
            return Observed.ok(IpParsers.interfaces(r.stdout()), r.elapsed());
        } catch (IllegalArgumentException e) {
            return Observed.error(host.name() + ": unexpected output of ip: " + e.getMessage(), r.elapsed());
        }
    }

    public Optional<InterfaceState> iface(String name) {
        return Optional.ofNullable(interfaces.get(name));
    }

    /** The interface that carries {@code ip}, if any. */
    public Optional<InterfaceState> carrying(String ip) {
        for (InterfaceState i : interfaces.values()) {
            if (i.carries(ip)) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }
}
