package io.vipwatch.config;

import java.net.Inet4Address;
import java.util.Objects;

/** A VIP as it is put on an interface: an IPv4 address and its prefix length, e.g. {@code 198.51.100.100/24}. */
public record VipAddress(Inet4Address address, int prefixLength) {
    public VipAddress {
        Objects.requireNonNull(address, "address");
        if (prefixLength < 1 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length must be 1-32, found " + prefixLength);
        }
    }

    /** The dotted address alone, e.g. {@code 198.51.100.100}. */
    public String ip() {
        return address.getHostAddress();
    }

    @Override
    public String toString() {
        return ip() + "/" + prefixLength;
    }
}
