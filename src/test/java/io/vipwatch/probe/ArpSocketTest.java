package io.vipwatch.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vipwatch.probe.ArpSocket.Call;
import io.vipwatch.probe.ArpSocket.Calls;
import io.vipwatch.probe.ArpPacket.Reply;
import io.vipwatch.probe.ArpPacket.Source;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The ARP prober without a socket: the bytes on the wire, and how replies complete the waiting calls. */
class ArpSocketTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final Inet4Address VIP = ip("198.51.100.100");
    private static final Inet4Address OTHER = ip("198.51.100.101");
    private static final Duration WINDOW = Duration.ofMillis(150);
    private static final String MAC1 = "02:00:00:00:00:0b";
    private static final String MAC2 = "02:00:00:00:00:0c";

    @Test
    void aRequestIsEthernetIpv4WhoHasWithAZeroTargetMac() {
        byte[] request = ArpPacket.request(HEX.parseHex("02000000000a"), ip("198.51.100.10"), VIP);
        assertThat(HEX.formatHex(request)).isEqualTo("0001" + "0800" + "06" + "04" + "0001"
                + "02000000000a" + "c633640a" + "000000000000" + "c6336464");
    }

    @Test
    void aReplyGivesItsSenderInLowerCase() {
        byte[] frame = reply("02AB00000B0C", "c6336464");
        assertThat(ArpPacket.reply(frame, ArpPacket.LENGTH)).contains(new Reply(0xc6336464, "02:ab:00:00:0b:0c"));
    }

    @Test
    void aReplyPaddedToTheEthernetMinimumStillCounts() {
        byte[] padded = new byte[46];  // 60-byte minimum frame less the 14-byte header
        System.arraycopy(reply("02000000000b", "c6336464"), 0, padded, 0, ArpPacket.LENGTH);
        assertThat(ArpPacket.reply(padded, padded.length)).contains(new Reply(0xc6336464, MAC1));
    }

    @Test
    void requestsOtherTypesAndShortFramesAreIgnored() {
        byte[] request = ArpPacket.request(HEX.parseHex("02000000000b"), VIP, OTHER);
        assertThat(ArpPacket.reply(request, request.length)).isEmpty();
        byte[] good = reply("02000000000b", "c6336464");
        assertThat(ArpPacket.reply(good, ArpPacket.LENGTH - 1)).isEmpty();
        assertThat(ArpPacket.reply(good, -1)).as("a receive that timed out").isEmpty();
        byte[] ipv6 = good.clone();
        ipv6[2] = (byte) 0x86;
        ipv6[3] = (byte) 0xdd;
        assertThat(ArpPacket.reply(ipv6, ipv6.length)).isEmpty();
        byte[] longMac = good.clone();
        longMac[4] = 8;
        assertThat(ArpPacket.reply(longMac, longMac.length)).isEmpty();
    }

    @Test
    void sockaddrLlHasTheEtherTypeInNetworkOrderAndTheRestInHostOrder() {
        byte[] sa = PacketSockets.sockaddrLl(0x0806, 3, HEX.parseHex("ffffffffffff"));
        String family = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? "1100" : "0011";
        String index = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? "03000000" : "00000003";
        assertThat(HEX.formatHex(sa)).isEqualTo(family + "0806" + index + "0000" + "00" + "06" + "ffffffffffff" + "0000");
    }

    @Test
    void theSenderAddressIsTheOneOnTheTargetsSubnet() {
        List<Source> sources = List.of(new Source(ip("192.0.2.5"), 24), new Source(ip("198.51.100.10"), 25));
        assertThat(Source.pick(sources, VIP)).isEqualTo(ip("198.51.100.10"));
        assertThat(Source.pick(sources, ip("198.51.100.200"))).as("no subnet matches: the first")
                .isEqualTo(ip("192.0.2.5"));
        assertThat(Source.pick(List.of(new Source(ip("198.51.100.10"), 32)), VIP)).isEqualTo(ip("198.51.100.10"));
    }

    @Test
    void twoDistinctMacsCompleteACallEarly() {
        Call call = new Call("eth0", VIP, WINDOW);
        call.offer(MAC1);
        call.offer(MAC1);
        assertThat(call.result).isNotDone();
        call.offer(MAC2);
        assertThat(call.result).isCompletedWithValue(List.of(MAC1, MAC2));
        call.windowEnded();
        assertThat(call.result.join()).containsExactly(MAC1, MAC2);
    }

    @Test
    void theWindowsEndCompletesWithWhatAnswered() {
        Call one = new Call("eth0", VIP, WINDOW);
        one.offer(MAC1);
        one.offer(MAC1);
        one.windowEnded();
        assertThat(one.result).isCompletedWithValue(List.of(MAC1));
        Call none = new Call("eth0", VIP, WINDOW);
        none.windowEnded();
        assertThat(none.result).isCompletedWithValue(List.of());
    }

    @Test
    void repliesReachOnlyTheCallsForTheirSender() {
        Calls calls = new Calls();
        Call vip1 = track(calls, new Call("eth0", VIP, WINDOW));
        Call vip2 = track(calls, new Call("eth0", VIP, WINDOW));
        Call other = track(calls, new Call("eth0", OTHER, WINDOW));
        calls.deliver(new Reply(ArpPacket.toInt(VIP), MAC1));
        calls.deliver(new Reply(ArpPacket.toInt(ip("198.51.100.120")), MAC2));
        calls.deliver(new Reply(ArpPacket.toInt(VIP), MAC2));
        assertThat(vip1.result).isCompletedWithValue(List.of(MAC1, MAC2));
        assertThat(vip2.result).isCompletedWithValue(List.of(MAC1, MAC2));
        assertThat(other.result).isNotDone();
        assertThat(calls.size()).as("completed calls leave").isEqualTo(1);
        other.windowEnded();
        assertThat(other.result).isCompletedWithValue(List.of());
        assertThat(calls.size()).isZero();
    }

    @Test
    void closingFailsTheCallsInTheirWindowWithContext() {
        Calls calls = new Calls();
        Call call = track(calls, new Call("eth0", VIP, WINDOW));
        calls.deliver(new Reply(ArpPacket.toInt(VIP), MAC1));
        calls.failAll("the ARP socket was closed");
        assertThatThrownBy(call.result::join).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(IOException.class)
                .hasMessageMatching(".*ARP who-has 198\\.51\\.100\\.100 on eth0: the ARP socket was closed "
                        + "\\d+ms into the 150ms window \\(1 MAC\\(s\\) by then\\)");
        assertThat(calls.size()).isZero();
    }

    private static Call track(Calls calls, Call call) {
        calls.track(call);
        return call;
    }

    private static byte[] reply(String senderMac, String senderIp) {
        return HEX.parseHex("0001" + "0800" + "06" + "04" + "0002" + senderMac + senderIp + "02000000000a" + "c633640a");
    }

    private static Inet4Address ip(String dotted) {
        try {
            return (Inet4Address) InetAddress.getByName(dotted);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
