package io.vipwatch.probe;

import io.vipwatch.remote.Commands;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsers for the text that {@code ip}, {@code ping} and {@code arping} print. Text ({@code ip -o}) rather than
 * {@code ip -j} JSON, because older iproute2 builds still found on database servers have no JSON output.
 * Lines that do not match are skipped, never guessed at.
 */
public final class IpParsers {
    // 2: eth0@if5: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP ... link/ether 02:00:00:00:00:0b brd ...
    private static final Pattern LINK = Pattern.compile("^\\d+:\\s+([^:@\\s]+)(?:@\\S+)?:\\s+<([^>]*)>");
    private static final Pattern LINK_MAC = Pattern.compile("link/\\S+\\s+([0-9a-fA-F:]{17})\\b");
    //     inet 198.51.100.100/25 scope global secondary eth0:vip
    private static final Pattern INET = Pattern.compile("^\\s+inet\\s+(\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+)\\s");
    // 198.51.100.100 dev eth0 lladdr 02:00:00:00:00:0b REACHABLE
    private static final Pattern NEIGH = Pattern.compile("^(\\d+\\.\\d+\\.\\d+\\.\\d+)\\s+dev\\s+(\\S+)(?:\\s+lladdr\\s+([0-9a-fA-F:]{17}))?(?:\\s+router)?(?:\\s+proxy)?\\s+([A-Z_]+)");
    private static final Pattern ROUTE_DEV = Pattern.compile("\\sdev\\s+(\\S+)");
    private static final Pattern RTT = Pattern.compile("time[=<]([0-9.]+)\\s*ms");
    // Unicast reply from 198.51.100.100 [02:00:00:00:00:0B]  0.621ms
    private static final Pattern ARP_REPLY = Pattern.compile("reply from \\S+ \\[([0-9A-Fa-f:]{17})\\]");

    private IpParsers() {
    }

    /**
     * Parses the output of {@link Commands#INTERFACES} (multi-line {@code ip addr show}): an interface's header line
     * ({@code 2: eth0@if6: <FLAGS> ...}), then its {@code link/...} line, then one {@code inet} line per IPv4
     * address. Refuses output without a single interface: that is not {@code ip addr show} talking.
     */
    public static HostSnapshot interfaces(String output) {
        Map<String, InterfaceState> interfaces = new LinkedHashMap<>();
        String name = null;
        String mac = "";
        Set<String> flags = Set.of();
        List<String> addresses = new ArrayList<>();
        for (String line : output.split("\n")) {
            Matcher header = LINK.matcher(line);
            if (header.find()) {
                if (name != null) {
                    interfaces.put(name, state(name, mac, flags, addresses));
                }
                name = header.group(1);
                flags = Set.of(header.group(2).split(","));
                mac = "";
                addresses = new ArrayList<>();
                continue;
            }
            Matcher link = LINK_MAC.matcher(line);
            Matcher inet = INET.matcher(line);
            if (name != null && mac.isEmpty() && line.stripLeading().startsWith("link/") && link.find()) {
                mac = link.group(1).toLowerCase(Locale.ROOT);
            } else if (name != null && inet.find()) {
                addresses.add(inet.group(1));
            }
        }
        if (name != null) {
            interfaces.put(name, state(name, mac, flags, addresses));
        }
        if (interfaces.isEmpty()) {
            throw new IllegalArgumentException("no interface in the output of ip " + Commands.INTERFACES);
        }
        return new HostSnapshot(interfaces);
    }

    private static InterfaceState state(String name, String mac, Set<String> flags, List<String> addresses) {
        boolean carrier = flags.contains("LOWER_UP") && !flags.contains("NO-CARRIER");
        return new InterfaceState(name, mac, flags.contains("UP"), carrier, List.copyOf(addresses));
    }

    /**
     * Every interface in {@code ip -o link show} output, with MAC and link state (no addresses): for a repair that
     * asks one host about one interface again.
     */
    public static Map<String, InterfaceState> links(String output) {
        Map<String, InterfaceState> interfaces = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            Matcher m = LINK.matcher(line);
            if (m.find()) {
                Matcher mac = LINK_MAC.matcher(line);
                interfaces.put(m.group(1), state(m.group(1), mac.find() ? mac.group(1).toLowerCase(Locale.ROOT) : "",
                        Set.of(m.group(2).split(",")), List.of()));
            }
        }
        return interfaces;
    }

    /** The neighbour entry in {@code ip neigh show to ADDR} output; empty when the kernel has none. */
    static Optional<NeighbourEntry> neighbour(String output) {
        return neighbour(output, null);
    }

    /** The entry for {@code ip} in a whole table ({@code ip -4 neigh show}); empty when the kernel has none. */
    static Optional<NeighbourEntry> neighbour(String table, String ip) {
        for (String line : table.split("\n")) {
            String entry = line.trim();
            // Each VIP looks itself up in the same table of hundreds of lines: only its own line is worth a regex.
            if (ip != null && !startsWithAddress(entry, ip)) {
                continue;
            }
            Matcher m = NEIGH.matcher(entry);
            if (m.find() && (ip == null || m.group(1).equals(ip))) {
                String mac = m.group(3) == null ? "" : m.group(3).toLowerCase(Locale.ROOT);
                return Optional.of(new NeighbourEntry(m.group(2), mac, m.group(4)));
            }
        }
        return Optional.empty();
    }

    /** {@code line} begins with {@code ip} as a whole word, e.g. 198.51.100.1 but not 198.51.100.10. */
    private static boolean startsWithAddress(String line, String ip) {
        return line.length() > ip.length() && Character.isWhitespace(line.charAt(ip.length())) && line.startsWith(ip);
    }

    /** The device in {@code ip -o route get ADDR} output. */
    static Optional<String> routeDevice(String output) {
        Matcher m = ROUTE_DEV.matcher(output);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** Round-trip time of the first echo reply in ping's output. */
    static OptionalDouble pingRttMs(String output) {
        Matcher m = RTT.matcher(output);
        return m.find() ? OptionalDouble.of(Double.parseDouble(m.group(1))) : OptionalDouble.empty();
    }

    /** Every distinct MAC that answered in arping's output, lower case, in order of first reply. */
    static List<String> arpingMacs(String output) {
        Set<String> macs = new LinkedHashSet<>();
        Matcher m = ARP_REPLY.matcher(output);
        while (m.find()) {
            macs.add(m.group(1).toLowerCase(Locale.ROOT));
        }
        return List.copyOf(macs);
    }
}
