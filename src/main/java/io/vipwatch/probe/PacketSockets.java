package io.vipwatch.probe;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;

/**
 * Link-layer datagram sockets ({@code AF_PACKET}, {@code SOCK_DGRAM}: the kernel writes and strips the Ethernet
 * header) through JNA direct mapping, since the JDK has no API for them. Failures become {@link IOException}s
 * that carry the call, the interface index and errno's text. The first use loads JNA's native library: a
 * {@link LinkageError} then means JNA cannot run here.
 */
final class PacketSockets {
    private static final int AF_PACKET = 17;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    private static final int ENETDOWN = 100;
    private static final int SOCKADDR_LL_SIZE = 20;

    static {
        Native.register(PacketSockets.class, "c");
    }

    private PacketSockets() {
    }

    /**
     * A socket for one EtherType on one interface. A receive returns after {@code receiveTimeout} at the latest,
     * so the thread reading it can notice that it should stop.
     */
    static int open(int etherType, int ifindex, Duration receiveTimeout) throws IOException {
        int fd;
        try {
            // protocol 0 here and the EtherType in bind: the socket receives nothing before it is bound to the
            // interface, so no frame from another interface slips into the queue
            fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw failure("socket(AF_PACKET, SOCK_DGRAM)", ifindex, e);
        }
        try {
            ByteBuffer tv = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
            tv.putLong(receiveTimeout.toSeconds()).putLong(receiveTimeout.toNanosPart() / 1000);
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, tv.array(), 16);
            byte[] local = sockaddrLl(etherType, ifindex, new byte[0]);
            bind(fd, local, local.length);
            return fd;
        } catch (LastErrorException e) {
            release(fd);
            throw failure("bind or setsockopt", ifindex, e);
        }
    }

    /** Sends one payload to a link-layer address (e.g. the broadcast address) through the bound interface. */
    static void sendTo(int fd, byte[] payload, int etherType, int ifindex, byte[] linkAddress) throws IOException {
        byte[] to = sockaddrLl(etherType, ifindex, linkAddress);
        try {
            sendto(fd, payload, payload.length, 0, to, to.length);
        } catch (LastErrorException e) {
            throw failure("sendto", ifindex, e);
        }
    }

    /**
     * The length of the frame read into {@code buffer}, or -1 when none came: the receive timeout passed, or the
     * interface went down (the kernel says so once and delivers again when it is up: the socket stays usable).
     */
    static int receive(int fd, byte[] buffer, int ifindex) throws IOException {
        try {
            return (int) recv(fd, buffer, buffer.length, 0);
        } catch (LastErrorException e) {
            int errno = e.getErrorCode();
            if (errno == EAGAIN || errno == EINTR || errno == ENETDOWN) {
                return -1;
            }
            throw failure("recv", ifindex, e);
        }
    }

    static void release(int fd) {
        try {
            close(fd);
        } catch (LastErrorException e) {
            // nothing to do: Linux releases the descriptor even when close reports an error
        }
    }

    /** {@code struct sockaddr_ll}: family and index in host order, the EtherType in network order. */
    static byte[] sockaddrLl(int etherType, int ifindex, byte[] linkAddress) {
        ByteBuffer b = ByteBuffer.allocate(SOCKADDR_LL_SIZE).order(ByteOrder.nativeOrder());
        b.putShort((short) AF_PACKET);
        b.order(ByteOrder.BIG_ENDIAN).putShort((short) etherType).order(ByteOrder.nativeOrder());
        b.putInt(ifindex);
        b.putShort((short) 0);                 // sll_hatype: set by the kernel
        b.put((byte) 0);                       // sll_pkttype: set by the kernel
        b.put((byte) linkAddress.length);
        b.put(linkAddress);
        return b.array();
    }

    private static IOException failure(String call, int ifindex, LastErrorException e) {
        return new IOException(call + " on interface index " + ifindex + ": " + e.getMessage(), e);
    }

    private static native int socket(int domain, int type, int protocol) throws LastErrorException;

    private static native int setsockopt(int fd, int level, int name, byte[] value, int length)
            throws LastErrorException;

    private static native int bind(int fd, byte[] address, int length) throws LastErrorException;

    private static native long sendto(int fd, byte[] buffer, long length, int flags, byte[] to, int toLength)
            throws LastErrorException;

    private static native long recv(int fd, byte[] buffer, long length, int flags) throws LastErrorException;

    private static native int close(int fd) throws LastErrorException;
}
