package io.vipwatch.probe;

import java.io.IOException;
import java.net.Inet4Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The ping probe without a process: one ICMP echo request sent by this JVM ({@link Inet4Address#isReachable}, which
 * uses a raw ICMP socket when the process may open one). A {@code ping} process per VIP per cycle costs ~5 ms of CPU
 * to fork and exec; at 200 VIPs that alone would be a fifth of a core.
 *
 * <p>Without {@code CAP_NET_RAW} the JDK quietly falls back to a TCP connection to port 7, which says nothing about
 * ping: then {@link #AVAILABLE} is false and the {@code ping} command is used. The watchdog needs the capability
 * anyway for its own {@code arping}.
 */
final class IcmpEcho {
    private static final int CAP_NET_RAW = 13;
    static final boolean AVAILABLE = mayOpenRawSockets(readStatus());

    private IcmpEcho() {
    }

    /** One echo request; no reply (or an error such as "network unreachable") is an observation, not unknown. */
    static Observed<PingReply> echo(Inet4Address target, Duration wait) {
        long start = System.nanoTime();
        try {
            boolean answered = target.isReachable((int) Math.max(1, wait.toMillis()));
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            return Observed.ok(answered ? new PingReply(true, elapsed.toNanos() / 1e6, "")
                    : new PingReply(false, 0, "no reply within " + wait.toMillis() + "ms"), elapsed);
        } catch (IOException e) {
            return Observed.ok(new PingReply(false, 0, String.valueOf(e.getMessage())),
                    Duration.ofNanos(System.nanoTime() - start));
        }
    }

    /** Whether {@code CapEff} in a {@code /proc/self/status} text has {@code CAP_NET_RAW}. */
    static boolean mayOpenRawSockets(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("CapEff:")) {
                try {
                    long caps = Long.parseUnsignedLong(line.substring(7).strip().toLowerCase(Locale.ROOT), 16);
                    return (caps & (1L << CAP_NET_RAW)) != 0;
                } catch (NumberFormatException e) {
                    return false;
                }
            }
        }
        return false;
    }

    private static String readStatus() {
        try {
            return Files.readString(Path.of("/proc/self/status"));
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
