package io.vipwatch.config;

import java.net.Inet4Address;
import java.util.Objects;

/**
 * A database host (or an observer).
 *
 * @param address   where vipwatch reaches it over SSH and MySQL (may be a management address)
 * @param iface     the interface that carries the VIP on this host (for an observer: the one it sends ARP from)
 */
public record HostConfig(String name, Inet4Address address, InterfaceName iface) {
    public HostConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(iface, "iface");
    }

    public String ip() {
        return address.getHostAddress();
    }
}
