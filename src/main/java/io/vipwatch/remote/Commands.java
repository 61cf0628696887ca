package io.vipwatch.remote;

import io.vipwatch.config.InterfaceName;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.List;

/**
 * The commands vipwatch runs, as argv lists built only from parsed values: an {@link Inet4Address} can only print
 * as four decimal octets and an {@link InterfaceName} is whitelisted, so nothing from a config file can smuggle
 * shell syntax into a command.
 */
public final class Commands {
    /**
     * Every interface with its flags (UP, LOWER_UP, NO-CARRIER), MAC and addresses, as an {@code ip} command line
     * for {@link SshPool#ip}: the multi-line {@code ip addr show} carries what {@code ip -o link} and
     * {@code ip -o addr} print separately, and this runs on every host every round.
     */
    public static final String INTERFACES = "addr show";

    private Commands() {
    }

    /** A constant {@code ip} command line as a command of its own; {@code LC_ALL=C} keeps its output stable. */
    static String ipOnItsOwn(String ipLine) {
        return "LC_ALL=C ip " + ipLine;
    }

    /** One echo request; {@code -n} so no name lookup slows it down. */
    public static List<String> ping(Inet4Address target, Duration timeout) {
        return List.of("ping", "-n", "-c", "1", "-W", seconds(timeout), target.getHostAddress());
    }

    /** This host's whole IPv4 neighbour (ARP) table: one read serves every VIP (see probe.NeighbourReads). */
    public static final List<String> NEIGHBOURS = List.of("ip", "-4", "neigh", "show");

    /** Which interface this host would use to reach the address. */
    public static List<String> routeTo(Inet4Address target) {
        return List.of("ip", "-o", "route", "get", target.getHostAddress());
    }

    /**
     * Asks every holder of {@code target} for its MAC. Plain iputils {@code arping} prints each reply (not
     * {@code -D}, which stops at the first and so cannot see a second holder). {@code -c 2 -w 1} ends as soon as
     * two replies arrived (a duplicate) or after one second; {@code timeout -s INT} cuts the single-holder case
     * short after {@code window}, and SIGINT lets arping print what it received before exiting.
     */
    public static List<String> arpWhoHas(InterfaceName iface, Inet4Address target, Duration window) {
        return List.of("timeout", "-s", "INT", seconds(window), "arping", "-c", "2", "-w", "1", "-I", iface.value(),
                target.getHostAddress());
    }

    /** Seconds with millisecond precision in the C locale form ping and timeout accept, e.g. {@code 0.5}. */
    static String seconds(Duration d) {
        long ms = Math.max(1, d.toMillis());
        return ms % 1000 == 0 ? Long.toString(ms / 1000) : String.format(java.util.Locale.ROOT, "%.3f", ms / 1000.0);
    }
}
