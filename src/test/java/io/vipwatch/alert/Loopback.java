package io.vipwatch.alert;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Loopback helpers for tests that start real servers. */
final class Loopback {
    private Loopback() {
    }

    /** A port nothing listens on right now (the kernel's choice), for a server a test starts later or never. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
