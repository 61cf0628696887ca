package io.vipwatch.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Fixtures are real output of iproute2 6.1 / iputils 20221126 (Debian 12) taken in the lab. */
class IpParsersTest {
    static final String LINKS = """
            1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
            2: eth0@if4: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\\    link/ether 02:00:00:00:00:0b brd ff:ff:ff:ff:ff:ff link-netns vw-sw
            3: eth1@if6: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state LOWERLAYERDOWN mode DEFAULT group default qlen 1000\\    link/ether 02:00:00:00:01:8d brd ff:ff:ff:ff:ff:ff link-netns vw-sw
            4: eth2: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\\    link/ether 02:00:00:00:02:01 brd ff:ff:ff:ff:ff:ff
            """;
    /** {@code ip addr show}, multi-line, with a labelled secondary VIP, a link without carrier and one down. */
    static final String INTERFACES = """
            1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
                link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
                inet 127.0.0.1/8 scope host lo
                   valid_lft forever preferred_lft forever
                inet6 ::1/128 scope host\s
                   valid_lft forever preferred_lft forever
            2: eth0@if6: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000
                link/ether 02:00:00:00:00:0b brd ff:ff:ff:ff:ff:ff link-netns vw-sw
                inet 198.51.100.11/25 scope global eth0
                   valid_lft forever preferred_lft forever
                inet 198.51.100.100/25 scope global secondary eth0:vip
                   valid_lft forever preferred_lft forever
                inet6 fe80::ff:fe00:b/64 scope link\s
                   valid_lft forever preferred_lft forever
            3: eth1@if7: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state LOWERLAYERDOWN group default qlen 1000
                link/ether 02:00:00:00:01:8d brd ff:ff:ff:ff:ff:ff link-netns vw-sw
                inet 198.51.100.141/25 scope global eth1
                   valid_lft forever preferred_lft forever
            4: eth2: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN group default qlen 1000
                link/ether 02:00:00:00:02:01 brd ff:ff:ff:ff:ff:ff
            """;

    @Test
    void readsInterfacesMacsLinkStateAndAddresses() {
        HostSnapshot s = IpParsers.interfaces(INTERFACES);
        assertThat(s.interfaces().keySet()).containsExactlyInAnyOrder("lo", "eth0", "eth1", "eth2");
        InterfaceState eth0 = s.iface("eth0").orElseThrow();
        assertThat(eth0.mac()).isEqualTo("02:00:00:00:00:0b");
        assertThat(eth0.linkUp()).isTrue();
        assertThat(eth0.addresses()).containsExactly("198.51.100.11/25", "198.51.100.100/25");
        assertThat(s.carrying("198.51.100.100")).contains(eth0);
        assertThat(eth0.prefixOf("198.51.100.100")).contains(25);
        assertThat(eth0.prefixOf("198.51.100.1")).isEmpty();
        InterfaceState eth1 = s.iface("eth1").orElseThrow();
        assertThat(eth1.adminUp()).isTrue();
        assertThat(eth1.carrier()).isFalse();
        assertThat(eth1.addresses()).containsExactly("198.51.100.141/25");
        InterfaceState eth2 = s.iface("eth2").orElseThrow();
        assertThat(eth2.adminUp()).isFalse();
        assertThat(eth2.mac()).isEqualTo("02:00:00:00:02:01");
        assertThat(eth2.addresses()).isEmpty();
        assertThat(s.iface("lo").orElseThrow().linkUp()).isTrue();
    }

    @Test
    void anAddressIsMatchedWholeNotByPrefix() {
        HostSnapshot s = IpParsers.interfaces(INTERFACES);
        assertThat(s.carrying("198.51.100.10")).isEmpty();
        assertThat(s.carrying("198.51.100.1")).isEmpty();
    }

    @Test
    void refusesOutputWithoutAnyInterface() {
        assertThatThrownBy(() -> IpParsers.interfaces("Object \"addr\" is unknown, try \"ip help\".\n"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsLinkStateFromOneLineLinkOutput() {
        assertThat(IpParsers.links(LINKS).get("eth1").carrier()).isFalse();
        assertThat(IpParsers.links(LINKS).get("eth0").mac()).isEqualTo("02:00:00:00:00:0b");
    }

    @Test
    void readsNeighbourEntries() {
        assertThat(IpParsers.neighbour("198.51.100.100 dev eth0 lladdr 02:00:00:00:00:0B REACHABLE\n"))
                .contains(new NeighbourEntry("eth0", "02:00:00:00:00:0b", "REACHABLE"));
        assertThat(IpParsers.neighbour("198.51.100.100 dev eth0 lladdr 02:00:00:00:00:0c STALE \n"))
                .contains(new NeighbourEntry("eth0", "02:00:00:00:00:0c", "STALE"));
        assertThat(IpParsers.neighbour("198.51.100.100 dev eth0 FAILED\n"))
                .contains(new NeighbourEntry("eth0", "", "FAILED"));
        assertThat(IpParsers.neighbour("198.51.100.100 dev eth0 lladdr 02:00:00:00:00:0b PERMANENT\n"))
                .contains(new NeighbourEntry("eth0", "02:00:00:00:00:0b", "PERMANENT"));
        assertThat(IpParsers.neighbour("")).isEmpty();
    }

    @Test
    void findsOneAddressInAWholeNeighbourTableNotAnotherSharingItsPrefix() {
        String table = """
                198.51.100.10 dev eth0 lladdr 02:00:00:00:00:0a REACHABLE
                198.51.100.1 dev eth0 lladdr 02:00:00:00:00:01 STALE
                198.51.100.100	dev eth0 lladdr 02:00:00:00:00:0b DELAY
                """;
        assertThat(IpParsers.neighbour(table, "198.51.100.1"))
                .contains(new NeighbourEntry("eth0", "02:00:00:00:00:01", "STALE"));
        assertThat(IpParsers.neighbour(table, "198.51.100.100"))
                .contains(new NeighbourEntry("eth0", "02:00:00:00:00:0b", "DELAY"));
        assertThat(IpParsers.neighbour(table, "198.51.100.2")).isEmpty();
    }

    @Test
    void readsTheRouteDevice() {
        assertThat(IpParsers.routeDevice("198.51.100.100 dev eth0 src 198.51.100.10 uid 0 \\    cache \n"))
                .contains("eth0");
        assertThat(IpParsers.routeDevice("")).isEmpty();
    }

    @Test
    void readsPingRtt() {
        assertThat(IpParsers.pingRttMs("64 bytes from 198.51.100.100: icmp_seq=1 ttl=64 time=0.071 ms\n").getAsDouble())
                .isEqualTo(0.071);
        assertThat(IpParsers.pingRttMs("1 packets transmitted, 0 received, 100% packet loss")).isEmpty();
    }

    @Test
    void listsEveryDistinctMacThatAnsweredArp() {
        String twoHolders = """
                ARPING 198.51.100.100 from 198.51.100.10 eth0
                Unicast reply from 198.51.100.100 [02:00:00:00:00:0B]  0.672ms
                Unicast reply from 198.51.100.100 [02:00:00:00:00:0C]  0.688ms
                Sent 1 probes (1 broadcast(s))
                Received 2 response(s)
                """;
        assertThat(IpParsers.arpingMacs(twoHolders)).containsExactly("02:00:00:00:00:0b", "02:00:00:00:00:0c");
        String repeated = """
                Unicast reply from 198.51.100.100 [02:00:00:00:00:0B]  0.672ms
                Unicast reply from 198.51.100.100 [02:00:00:00:00:0B]  0.512ms
                """;
        assertThat(IpParsers.arpingMacs(repeated)).containsExactly("02:00:00:00:00:0b");
        assertThat(IpParsers.arpingMacs("ARPING 198.51.100.100 from 198.51.100.10 eth0\nSent 1 probes\n")).isEmpty();
    }
}
