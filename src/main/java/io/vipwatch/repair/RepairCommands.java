package io.vipwatch.repair;

import io.vipwatch.config.InterfaceName;
import io.vipwatch.config.VipAddress;
import io.vipwatch.remote.ShellWords;
import java.math.BigDecimal;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The commands repairs run, as argv lists built only from parsed values ({@link Inet4Address}, {@link VipAddress},
 * {@link InterfaceName}, constants), like {@code remote.Commands}: nothing from a config file or a probe's output
 * reaches a command unless it parsed as one of those.
 */
final class RepairCommands {
    /** {@code arping -c 1 -A} lingers ~1 s after sending; the packet is out long before this. */
    static final Duration PACKET_WINDOW = Duration.ofMillis(200);
    /** Printed after each gratuitous packet with its exit status, so a burst's one exec reports every packet. */
    static final String RC_MARK = "vipwatch-rc=";

    private RepairCommands() {
    }

    /** One line about one interface: flags (UP, LOWER_UP, NO-CARRIER). */
    static List<String> linkShow(InterfaceName iface) {
        return List.of("ip", "-o", "link", "show", "dev", iface.value());
    }

    /**
     * Duplicate address detection: asks with sender 0.0.0.0 who has the VIP. iputils {@code arping -D} stops at
     * the first reply, enough for a guard; {@code -w} takes whole seconds only, so {@code timeout -s INT} ends the
     * wait early and SIGINT lets arping print what it got. Exit 124 (cut short) and 1 (a reply) are normal.
     */
    static List<String> duplicateProbe(InterfaceName iface, Inet4Address vip, Duration window) {
        return List.of("timeout", "-s", "INT", seconds(window), "arping", "-D", "-c", "2", "-w", "1",
                "-I", iface.value(), vip.getHostAddress());
    }

    static List<String> addVip(VipAddress vip, InterfaceName iface) {
        return List.of("ip", "addr", "add", vip.ip() + "/" + vip.prefixLength(), "dev", iface.value());
    }

    /**
     * {@code ip addr add}, then at once, in the same exec, the first gratuitous ARP ({@code -U}) in the background:
     * neighbours learn the new MAC a channel round trip sooner than from a second exec, as a copied
     * {@code ip addr add; arping} script does, and the exec returns as soon as the address is there (an arping
     * lingers up to {@link #PACKET_WINDOW} after sending; its output goes nowhere, so the channel need not wait).
     * Exits with {@code ip}'s status; nothing is announced when the add fails.
     */
    static String addThenAnnounce(VipAddress vip, InterfaceName iface) {
        return ShellWords.join(addVip(vip, iface)) + " || exit $?; "
                + ShellWords.join(gratuitous(iface, vip.address(), true)) + " </dev/null >/dev/null 2>&1 &";
    }

    static List<String> removeVip(VipAddress vip, InterfaceName iface) {
        return List.of("ip", "addr", "del", vip.ip() + "/" + vip.prefixLength(), "dev", iface.value());
    }

    /** One gratuitous ARP: {@code -U} an unsolicited request, else {@code -A} a reply; some peers heed only one. */
    static List<String> gratuitous(InterfaceName iface, Inet4Address vip, boolean unsolicited) {
        return List.of("timeout", "-s", "INT", seconds(PACKET_WINDOW), "arping", "-q", "-c", "1",
                unsolicited ? "-U" : "-A", "-I", iface.value(), vip.getHostAddress());
    }

    /**
     * A burst as one shell line for one SSH exec: each packet's command, shell-quoted, followed by
     * {@code echo vipwatch-rc=$?} (constant text) so that the exit status of every packet comes back.
     */
    static String burstScript(List<List<String>> packets) {
        List<String> parts = new ArrayList<>();
        for (List<String> argv : packets) {
            parts.add(ShellWords.join(argv) + "; echo " + RC_MARK + "$?");
        }
        return String.join("; ", parts);
    }

    static List<String> deleteNeighbour(Inet4Address vip, InterfaceName dev) {
        return List.of("ip", "neigh", "del", vip.getHostAddress(), "dev", dev.value());
    }

    /** Seconds as {@code timeout(1)} takes them, shortest form: {@code 0.3}, {@code 1}. */
    static String seconds(Duration d) {
        return BigDecimal.valueOf(Math.max(1, d.toMillis()), 3).stripTrailingZeros().toPlainString();
    }
}
