package io.vipwatch.probe;

import io.vipwatch.config.ClusterConfig;
import io.vipwatch.config.HostConfig;
import io.vipwatch.config.VipConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Turns the per-host SSH views of a cluster into where one VIP lives. */
final class LocationAssembler {
    private LocationAssembler() {
    }

    static Location locate(ClusterConfig cluster, VipConfig vip, Map<String, Observed<HostSnapshot>> views) {
        List<String> holders = new ArrayList<>();
        List<String> unreachable = new ArrayList<>();
        List<String> linkDown = new ArrayList<>();
        List<String> holdersNoLink = new ArrayList<>();
        Map<String, String> interfaces = new LinkedHashMap<>();
        Map<String, String> macs = new LinkedHashMap<>();
        Map<String, Integer> prefixes = new LinkedHashMap<>();
        Map<String, String> details = new LinkedHashMap<>();
        String ip = vip.address().ip();
        for (HostConfig host : cluster.hosts()) {
            Observed<HostSnapshot> view = views.get(host.name());
            if (view == null || !view.known()) {
                unreachable.add(host.name());
                details.put(host.name(), view == null ? "not probed" : view.detail());
                continue;
            }
            HostSnapshot snapshot = view.value();
            Optional<InterfaceState> carrying = snapshot.carrying(ip);
            carrying.ifPresent(i -> {
                holders.add(host.name());
                if (!i.linkUp()) {
                    holdersNoLink.add(host.name());
                }
                interfaces.put(host.name(), i.name());
                macs.put(host.name(), i.mac());
                i.prefixOf(ip).ifPresent(p -> prefixes.put(host.name(), p));
            });
            Optional<InterfaceState> configured = snapshot.iface(host.iface().value());
            if (configured.isEmpty()) {
                linkDown.add(host.name());
                details.put(host.name(), "interface " + host.iface() + " does not exist");
            } else if (!configured.get().linkUp()) {
                linkDown.add(host.name());
                details.put(host.name(), "interface " + host.iface() + " is "
                        + (configured.get().adminUp() ? "up but has no carrier (NO-CARRIER)" : "administratively down"));
            }
        }
        Duration slowest = views.values().stream().map(Observed::elapsed).max(Duration::compareTo)
                .orElse(Duration.ZERO);
        return new Location(cluster.hosts().stream().map(HostConfig::name).toList(), holders, unreachable, linkDown,
                holdersNoLink, interfaces, macs, prefixes, details, slowest);
    }
}
