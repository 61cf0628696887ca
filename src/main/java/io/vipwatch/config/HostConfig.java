package io.vipwatch.config;

import java.net.Inet4Address;
import java.util.Objects;
import java.util.Optional;

/**
 * A database host (or an observer).
 *
 * @param address           where vipwatch reaches it over SSH and MySQL (may be a management address)
 * @param iface             the interface that carries the VIP on this host (for an observer: the one it sends ARP from)
 * @param fallbackInterface where a repair puts the VIP when {@code iface} has no link; empty: nowhere else
 */
public record HostConfig(String name, Inet4Address address, InterfaceName iface,
                         Optional<InterfaceName> fallbackInterface) {
    public HostConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(iface, "iface");
        Objects.requireNonNull(fallbackInterface, "fallbackInterface");
    }

    public HostConfig(String name, Inet4Address address, InterfaceName iface) {
        this(name, address, iface, Optional.empty());
    }

    public String ip() {
        return address.getHostAddress();
    }
}
