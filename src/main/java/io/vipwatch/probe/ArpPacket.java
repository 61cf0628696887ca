package io.vipwatch.probe;

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The 28-byte ARP payload for Ethernet and IPv4 (RFC 826) that {@link ArpSocket} sends and reads, without the
 * Ethernet header (the kernel adds it to a SOCK_DGRAM packet socket's frames), and the sender address it asks from.
 */
final class ArpPacket {
    static final HexFormat MAC = HexFormat.ofDelimiter(":");
    static final int LENGTH = 28;
    private static final short ETHERNET = 1;
    private static final short IPV4 = 0x0800;
    private static final short REQUEST = 1;
    private static final short REPLY = 2;

    private ArpPacket() {
    }

    /** A request; the target MAC is zero, as the kernel sends it. */
    static byte[] request(byte[] senderMac, Inet4Address senderIp, Inet4Address target) {
        return ByteBuffer.allocate(LENGTH).putShort(ETHERNET).putShort(IPV4).put((byte) 6).put((byte) 4)
                .putShort(REQUEST).put(senderMac).put(senderIp.getAddress()).put(new byte[6])
                .put(target.getAddress()).array();
    }

    /** The sender of a reply; empty for requests, other hardware or protocol types, and short frames. */
    static Optional<Reply> reply(byte[] frame, int length) {
        if (length < LENGTH) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(frame, 0, length);
        if (b.getShort() != ETHERNET || b.getShort() != IPV4 || b.get() != 6 || b.get() != 4
                || b.getShort() != REPLY) {
            return Optional.empty();
        }
        return Optional.of(new Reply(b.getInt(14), MAC.formatHex(frame, 8, 14)));
    }

    static int toInt(Inet4Address a) {
        return ByteBuffer.wrap(a.getAddress()).getInt();
    }

    /** An IPv4 address of the interface with its prefix length, a candidate sender address for requests. */
    record Source(Inet4Address address, int prefixLength) {
        /**
         * The address on the target's subnet, else the first: a sender address from another subnet can fail the
         * holder's reverse-path check, and then it stays silent.
         */
        static Inet4Address pick(List<Source> sources, Inet4Address target) {
            for (Source s : sources) {
                int mask = s.prefixLength == 0 ? 0 : -1 << (32 - s.prefixLength);
                if (((toInt(s.address) ^ toInt(target)) & mask) == 0) {
                    return s.address;
                }
            }
            return sources.get(0).address;
        }
    }

    /** A reply's sender: IPv4 address (as an int, network order) and MAC. */
    record Reply(int senderIp, String senderMac) {
    }
}
