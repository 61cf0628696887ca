package io.vipwatch.probe;

import java.util.Map;
import java.util.Optional;

/** Every interface of one host, read in one SSH round trip and shared by all VIPs of its cluster. */
public record HostSnapshot(Map<String, InterfaceState> interfaces) {
    public HostSnapshot {
        interfaces = Map.copyOf(interfaces);
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
