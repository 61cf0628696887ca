package io.vipwatch.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Strict dotted-quad parsing. {@link InetAddress#getByName} would accept host names (and ask DNS), octal and
 * shortened forms; an address that later reaches {@code ip} or {@code ping} must be exactly four decimal octets.
 */
public final class Ipv4 {
    private static final Pattern DOTTED = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    private Ipv4() {
    }

    public static Optional<Inet4Address> parse(String text) {
        if (text == null || !DOTTED.matcher(text).matches()) {
            return Optional.empty();
        }
        String[] parts = text.split("\\.");
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            bytes[i] = (byte) Integer.parseInt(parts[i]);
        }
        try {
            return Optional.of((Inet4Address) InetAddress.getByAddress(bytes));
        } catch (UnknownHostException e) {
            throw new AssertionError("four bytes are always a valid address", e);
        }
    }
}
