package io.vipwatch.repair;

import io.vipwatch.config.ClusterConfig;
import io.vipwatch.config.Config;
import io.vipwatch.config.HostConfig;
import io.vipwatch.config.InterfaceName;
import io.vipwatch.config.Ipv4;
import io.vipwatch.config.MysqlSettings;
import io.vipwatch.config.ProbeSettings;
import io.vipwatch.config.RepairSettings;
import io.vipwatch.config.Secret;
import io.vipwatch.config.ServiceSettings;
import io.vipwatch.config.SshSettings;
import io.vipwatch.config.VipAddress;
import io.vipwatch.config.VipConfig;
import io.vipwatch.probe.ArpView;
import io.vipwatch.probe.Location;
import io.vipwatch.probe.NeighbourEntry;
import io.vipwatch.probe.Observed;
import io.vipwatch.probe.PingReply;
import io.vipwatch.probe.Roles;
import io.vipwatch.probe.SqlReply;
import io.vipwatch.probe.VipFacts;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A cluster of three hosts and one observer, and a builder of VIP snapshots for repair tests. db1 has a fallback
 * interface (eth1), db3 has none. Starts with the VIP on db1 and one MAC answering.
 */
final class Fixture {
    static final String MAC1 = "02:00:00:00:00:0b";
    static final String MAC2 = "02:00:00:00:00:0c";
    static final String MAC_OUTSIDE = "02:00:00:00:00:99";
    static final String SECRET = "s3cr3t-mysql-password";
    private static final Duration MS = Duration.ofMillis(1);

    static final HostConfig DB1 = new HostConfig("db1", ip("198.51.100.11"), new InterfaceName("eth0"),
            Optional.of(new InterfaceName("eth1")));
    static final HostConfig DB2 = new HostConfig("db2", ip("198.51.100.12"), new InterfaceName("eth0"));
    static final HostConfig DB3 = new HostConfig("db3", ip("198.51.100.13"), new InterfaceName("eth0"));
    static final HostConfig APP1 = new HostConfig("app1", ip("198.51.100.50"), new InterfaceName("eth0"));
    static final VipConfig VIP = new VipConfig("rw", new VipAddress(ip("198.51.100.100"), 24), Optional.of("db1"));
    static final ClusterConfig CLUSTER = new ClusterConfig("lab", List.of(DB1, DB2, DB3), List.of(VIP), List.of(APP1));

    List<String> holders = new ArrayList<>(List.of("db1"));
    List<String> unreachable = new ArrayList<>();
    List<String> linkDown = new ArrayList<>();
    java.util.Map<String, Integer> prefixes = new java.util.HashMap<>();
    Observed<List<String>> l2 = Observed.ok(List.of(MAC1), MS);
    List<ArpView> arp = new ArrayList<>(List.of(new ArpView("local",
            Observed.ok(new NeighbourEntry("eth0", MAC1, "REACHABLE"), MS))));

    static Config config(RepairSettings repairs) {
        Path dir = Path.of("/etc/vipwatch");
        return new Config(dir.resolve("vipwatch.yml"),
                new SshSettings("root", 22, dir.resolve("id"), dir.resolve("known_hosts"), true, Duration.ofSeconds(2),
                        Duration.ofSeconds(3)),
                new MysqlSettings("monitor", new Secret(SECRET, "test"), 3306, Duration.ofSeconds(1),
                        Duration.ofSeconds(2), "PREFERRED"),
                new ProbeSettings(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(300), false),
                Optional.empty(), List.of(CLUSTER),
                new ServiceSettings(ip("127.0.0.1"), 9345, dir.resolve("audit.jsonl"),
                        io.vipwatch.config.WebConfig.NONE), repairs,
                new io.vipwatch.config.AlertSettings(io.vipwatch.config.AlertChannels.NONE, Optional.empty(),
                        Duration.ofHours(4), Optional.empty()),
                Path.of("/var/lib/vipwatch"), List.of(), io.vipwatch.config.SchedulerSettings.MEMORY);
    }

    static RepairSettings repairs(boolean dryRun) {
        return new RepairSettings(dryRun, 4, Duration.ofSeconds(5), RepairSettings.DEFAULT_GUARD_WINDOW, RepairSettings.defaultBursts());
    }

    Fixture missing() {
        holders = new ArrayList<>();
        l2 = Observed.ok(List.of(), MS);
        arp = new ArrayList<>(List.of(new ArpView("local", Observed.ok(new NeighbourEntry("eth0", "", "FAILED"), MS))));
        return this;
    }

    Fixture holders(String... h) {
        holders = new ArrayList<>(List.of(h));
        l2 = Observed.ok(holders.stream().map(Fixture::macOf).toList(), MS);
        return this;
    }

    Fixture arp(String vantage, String mac, String state) {
        arp.removeIf(v -> v.vantage().equals(vantage));
        arp.add(new ArpView(vantage, Observed.ok(new NeighbourEntry("eth0", mac, state), MS)));
        return this;
    }

    static String macOf(String host) {
        return host.equals("db1") ? MAC1 : MAC2;
    }

    VipFacts build() {
        Map<String, String> macs = new LinkedHashMap<>();
        Map<String, String> ifaces = new LinkedHashMap<>();
        for (String h : holders) {
            macs.put(h, macOf(h));
            ifaces.put(h, "eth0");
        }
        Map<String, String> details = new LinkedHashMap<>();
        unreachable.forEach(h -> details.put(h, "SSH to " + h + " timed out after 2000ms"));
        linkDown.forEach(h -> details.put(h, "interface eth0 is up but has no carrier (NO-CARRIER)"));
        return new VipFacts("lab", VIP, Instant.parse("2026-01-01T00:00:00Z"), MS,
                new Location(List.of("db1", "db2", "db3"), holders, unreachable, linkDown,
                        holders.stream().filter(linkDown::contains).toList(), ifaces, macs, prefixes, details, MS),
                Observed.ok(new PingReply(true, 0.05, ""), MS), arp, l2,
                Observed.ok(new SqlReply(true, "db1", "server_id=1", 1.2, null, false, ""), MS),
                new Roles(List.of("db1"), true), Optional.empty());
    }

    private static java.net.Inet4Address ip(String s) {
        return Ipv4.parse(s).orElseThrow();
    }
}
