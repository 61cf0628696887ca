package io.vipwatch.probe;

import java.util.List;
import java.util.Objects;

/**
 * One network interface of a host as {@code ip -o link/addr show} describes it.
 *
 * @param mac       lower-case {@code 02:00:00:00:00:0b}, or empty for interfaces without one
 * @param adminUp   the UP flag (set by {@code ip link set up})
 * @param carrier   LOWER_UP and not NO-CARRIER: a cable, and a switch port that is up, at the other end
 * @param addresses IPv4 addresses with prefix, e.g. {@code 198.51.100.100/24}
 */
public record InterfaceState(String name, String mac, boolean adminUp, boolean carrier, List<String> addresses) {
    public InterfaceState {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mac, "mac");
        addresses = List.copyOf(addresses);
    }

    /** Usable for traffic: administratively up and with carrier. */
    public boolean linkUp() {
        return adminUp && carrier;
    }

    public boolean carries(String ip) {
        return addresses.stream().anyMatch(a -> a.startsWith(ip + "/"));
    }

    /** The prefix length {@code ip} carries here, e.g. 24 for {@code 198.51.100.100/24}. */
    public java.util.Optional<Integer> prefixOf(String ip) {
        return addresses.stream().filter(a -> a.startsWith(ip + "/"))
                .map(a -> Integer.valueOf(a.substring(ip.length() + 1))).findFirst();
    }
}
