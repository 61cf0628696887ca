package io.vipwatch.rule;

import io.vipwatch.config.Ipv4;
import io.vipwatch.config.VipAddress;
import io.vipwatch.config.VipConfig;
import io.vipwatch.probe.ArpView;
import io.vipwatch.probe.Location;
import io.vipwatch.probe.NeighbourEntry;
import io.vipwatch.probe.Observed;
import io.vipwatch.probe.PingReply;
import io.vipwatch.probe.SqlReply;
import io.vipwatch.probe.VipFacts;
import io.vipwatch.state.HandedOver;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A builder of hand-made VIP snapshots for rule tests: starts healthy (VIP on db1, expected db1). */
public final class Facts {
    static final String MAC1 = "02:00:00:00:00:0b";
    static final String MAC2 = "02:00:00:00:00:0c";
    private static final Duration MS = Duration.ofMillis(1);

    List<String> hosts = List.of("db1", "db2", "db3");
    List<String> holders = new ArrayList<>(List.of("db1"));
    List<String> unreachable = new ArrayList<>();
    List<String> linkDown = new ArrayList<>();
    Optional<String> expected = Optional.of("db1");
    io.vipwatch.config.HolderPolicy policy;
    io.vipwatch.probe.Roles roles = new io.vipwatch.probe.Roles(List.of("db1"), true);
    Observed<PingReply> ping = Observed.ok(new PingReply(true, 0.05, ""), MS);
    Observed<NeighbourEntry> arp = Observed.ok(new NeighbourEntry("eth0", MAC1, "REACHABLE"), MS);
    Observed<List<String>> l2 = Observed.ok(List.of(MAC1), MS);
    Observed<SqlReply> sql = Observed.ok(new SqlReply(true, "db1", "server_id=1", 1.2, null, false, ""), MS);

    String vipName = "rw";
    Optional<String> handedTo = Optional.empty();

    /** The VIP's last handover (by MHA) named {@code host}; it applies to the VIP as configured. */
    public Facts handedTo(String host) {
        handedTo = Optional.of(host);
        return this;
    }

    /** The VIP's name (default rw). */
    public Facts vip(String name) {
        vipName = name;
        return this;
    }

    /** The cluster's hosts (default db1, db2, db3). */
    public Facts hosts(String... h) {
        hosts = List.of(h);
        return this;
    }

    /** The watchdog's neighbour entry could not be read (an SSH or command timeout). */
    public Facts arpUnknown(String detail) {
        arp = Observed.timeout(detail, MS);
        return this;
    }

    public Facts holders(String... h) {
        holders = new ArrayList<>(List.of(h));
        return this;
    }

    /** Hosts whose SSH read timed out. */
    public Facts unreachable(String... h) {
        unreachable = new ArrayList<>(List.of(h));
        return this;
    }

    /** SQL through the VIP fails with {@code error}. */
    public Facts sqlFailed(String error) {
        sql = Observed.ok(new SqlReply(false, "", "", 0, error, false, ""), MS);
        return this;
    }

    public VipFacts build() {
        Map<String, String> macs = new LinkedHashMap<>();
        Map<String, String> ifaces = new LinkedHashMap<>();
        for (String h : holders) {
            macs.put(h, h.equals("db1") ? MAC1 : MAC2);
            ifaces.put(h, "eth0");
        }
        Map<String, String> details = new LinkedHashMap<>();
        unreachable.forEach(h -> details.put(h, "SSH timed out"));
        VipAddress address = new VipAddress(Ipv4.parse("198.51.100.100").orElseThrow(), 24);
        VipConfig vip = policy == null ? new VipConfig(vipName, address, expected)
                : new VipConfig(vipName, address, policy, Optional.empty(), Optional.empty(), false);
        return new VipFacts("lab", vip, Instant.EPOCH, MS,
                new Location(hosts, holders, unreachable, linkDown, holders.stream().filter(linkDown::contains).toList(),
                        ifaces, macs, Map.of(), details, MS),
                ping, List.of(new ArpView("local", arp)), l2, sql, roles,
                handedTo.map(h -> new HandedOver("lab", vipName, h, vip.policy().host(), Instant.EPOCH, "test")));
    }
}
