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

    // Asked for every VIP against every host in every phase of a cycle (200 VIPs x 40 hosts is 8,000 times per
    // phase): a plain loop with no string built per address.
    public boolean carries(String ip) {
        for (String a : addresses) {
            if (isAddress(a, ip)) {
                return true;
            }
        }
        return false;
    }

    /** The prefix length {@code ip} carries here, e.g. 24 for {@code 198.51.100.100/24}. */
    public java.util.Optional<Integer> prefixOf(String ip) {
        for (String a : addresses) {
            if (isAddress(a, ip)) {
                return java.util.Optional.of(Integer.valueOf(a.substring(ip.length() + 1)));
            }
        }
        return java.util.Optional.empty();
    }

    /** {@code cidr} is {@code ip} with a prefix length, e.g. 198.51.100.100/24 for 198.51.100.100. */
    private static boolean isAddress(String cidr, String ip) {
        return cidr.length() > ip.length() && cidr.charAt(ip.length()) == '/' && cidr.startsWith(ip);
    }
}
