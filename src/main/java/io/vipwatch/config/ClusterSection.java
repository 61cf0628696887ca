package io.vipwatch.config;

import java.net.Inet4Address;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The {@code clusters:} section: hosts, observers and VIPs, with the checks that span them. */
final class ClusterSection {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    private static final Duration MS_100 = Duration.ofMillis(100);

    private ClusterSection() {
    }

    static List<ClusterConfig> clusters(YamlMap top) {
        List<ClusterConfig> clusters = new ArrayList<>();
        Set<String> clusterNames = new HashSet<>();
        Set<String> vipAddresses = new HashSet<>();
        for (YamlMap c : top.list("clusters")) {
            c.rejectUnknownKeys(Set.of("name", "hosts", "vips", "observers"));
            String name = name(c, "name", clusterNames, "cluster");
            // Names of invalid hosts count too: a bad address on db1 must not also make "expected_holder: db1" fail.
            Set<String> hostNames = new java.util.LinkedHashSet<>();
            List<HostConfig> hosts = hosts(c, "hosts", true, hostNames);
            List<HostConfig> observers = hosts(c, "observers", false, new HashSet<>());
            List<VipConfig> vips = vips(c, name, hostNames, vipAddresses);
            clusters.add(new ClusterConfig(name, hosts, vips, observers));
        }
        return clusters;
    }

    private static List<VipConfig> vips(YamlMap cluster, String clusterName, Set<String> hostNames, Set<String> vipAddresses) {
        List<YamlMap> maps = cluster.list("vips");
        if (maps.isEmpty()) {
            cluster.error("vips", "list at least one VIP");
        }
        List<VipConfig> vips = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (YamlMap v : maps) {
            v.rejectUnknownKeys(Set.of("name", "address", "expected_holder", "interval", "cron", "dry_run"));
            String name = name(v, "name", names, "VIP");
            Optional<VipAddress> address = v.requiredParsed("address", ClusterSection::vipAddress,
                    "an IPv4 address with prefix length such as 192.168.1.100/24");
            address.ifPresent(a -> {
                if (!vipAddresses.add(a.ip())) {
                    v.error("address", "VIP address " + a.ip() + " is listed more than once");
                }
            });
            HolderPolicy policy = policy(v, clusterName, hostNames);
            Optional<Duration> interval = v.has("interval")
                    ? Optional.of(v.duration("interval", Duration.ofSeconds(5), MS_100, Duration.ofHours(1)))
                    : Optional.empty();
            Optional<String> cron = v.optionalString("cron");
            cron.ifPresent(c -> {
                if (interval.isPresent()) {
                    v.error("cron", "set either interval or cron, not both");
                } else if (!org.quartz.CronExpression.isValidExpression(c)) {
                    v.error("cron", "not a Quartz cron expression (seconds minutes hours day-of-month month "
                            + "day-of-week, e.g. '0/5 * * * * ?'): '" + c + "'");
                }
            });
            boolean dryRun = v.bool("dry_run", false);
            if (address.isPresent() && !(interval.isPresent() && cron.isPresent())) {
                vips.add(new VipConfig(name, address.get(), policy, interval, cron, dryRun));
            }
        }
        return vips;
    }

    /** {@code expected_holder}: a host of the cluster, {@code writable}, or {@code any} (also when absent). */
    private static HolderPolicy policy(YamlMap v, String clusterName, Set<String> hostNames) {
        Optional<String> expected = v.optionalString("expected_holder");
        if (expected.isEmpty() || expected.get().equals(HolderPolicy.ANY_WORD)) {
            return HolderPolicy.any();
        }
        if (expected.get().equals(HolderPolicy.WRITABLE_WORD)) {
            return HolderPolicy.writable();
        }
        if (!hostNames.contains(expected.get())) {
            v.error("expected_holder", "names no host of cluster '" + clusterName + "' (hosts: "
                    + String.join(", ", hostNames) + "; or 'writable', or 'any')");
        }
        return HolderPolicy.of(expected.get());
    }

    private static List<HostConfig> hosts(YamlMap cluster, String key, boolean required, Set<String> names) {
        List<YamlMap> maps = cluster.list(key);
        if (required && maps.isEmpty()) {
            cluster.error(key, "list at least one host");
        }
        List<HostConfig> hosts = new ArrayList<>();
        Set<String> addresses = new HashSet<>();
        for (YamlMap h : maps) {
            h.rejectUnknownKeys(Set.of("name", "address", "interface", "fallback_interface"));
            String name = name(h, "name", names, "host");
            if (name.equals(HolderPolicy.ANY_WORD) || name.equals(HolderPolicy.WRITABLE_WORD)) {
                h.error("name", "'" + name + "' is reserved for expected_holder: choose another host name");
            }
            Optional<Inet4Address> address = h.requiredParsed("address", Ipv4::parse,
                    "an IPv4 address such as 192.168.1.11");
            address.ifPresent(a -> {
                if (!addresses.add(a.getHostAddress())) {
                    h.error("address", "address " + a.getHostAddress() + " is used by another host of this list");
                }
            });
            Optional<InterfaceName> iface = h.requiredParsed("interface", ClusterSection::interfaceName,
                    "an interface name of 1-15 characters from [A-Za-z0-9_.:@-], not starting with '-'");
            Optional<InterfaceName> fallback = h.parsed("fallback_interface", ClusterSection::interfaceName,
                    "an interface name of 1-15 characters from [A-Za-z0-9_.:@-], not starting with '-'");
            fallback.ifPresent(f -> {
                if (f.equals(iface.orElse(null))) {
                    h.error("fallback_interface", "is the same as interface '" + f + "'");
                }
            });
            if (address.isPresent() && iface.isPresent()) {
                hosts.add(new HostConfig(name, address.get(), iface.get(), fallback));
            }
        }
        return hosts;
    }

    private static String name(YamlMap m, String key, Set<String> seen, String what) {
        String name = m.requiredString(key);
        if (name.isEmpty()) {
            return name;
        }
        if (!NAME.matcher(name).matches()) {
            m.error(key, "expected a " + what + " name of letters, digits, '_', '.', '-' (max 63), found '" + name + "'");
        } else if (!seen.add(name)) {
            m.error(key, "duplicate " + what + " name '" + name + "'");
        }
        return name;
    }

    static Optional<InterfaceName> interfaceName(String s) {
        return InterfaceName.isValid(s) ? Optional.of(new InterfaceName(s)) : Optional.empty();
    }

    static Optional<VipAddress> vipAddress(String s) {
        int slash = s.indexOf('/');
        if (slash < 0) {
            return Optional.empty();
        }
        Optional<Inet4Address> ip = Ipv4.parse(s.substring(0, slash));
        String prefix = s.substring(slash + 1);
        if (ip.isEmpty() || !prefix.matches("[1-9]|[12]\\d|3[0-2]")) {
            return Optional.empty();
        }
        return Optional.of(new VipAddress(ip.get(), Integer.parseInt(prefix)));
    }

}
