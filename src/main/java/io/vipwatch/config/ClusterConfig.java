package io.vipwatch.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One replication cluster: its database hosts, the VIPs that float between them, and optionally the observers
 * from which ARP is checked (hosts on the VIP's subnet, e.g. an application server) when the watchdog is not.
 */
public record ClusterConfig(String name, List<HostConfig> hosts, List<VipConfig> vips, List<HostConfig> observers) {
    public ClusterConfig {
        Objects.requireNonNull(name, "name");
        hosts = List.copyOf(hosts);
        vips = List.copyOf(vips);
        observers = List.copyOf(observers);
    }

    public Optional<HostConfig> host(String hostName) {
        return hosts.stream().filter(h -> h.name().equals(hostName)).findFirst();
    }
}
