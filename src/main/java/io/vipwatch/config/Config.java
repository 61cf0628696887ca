package io.vipwatch.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole validated configuration. Built only by {@link ConfigLoader}, so every instance has passed validation:
 * names are unique, every expected holder names a host of its cluster, secrets were readable.
 *
 * @param source    the file it was loaded from
 * @param rulesPath a rule file or a directory of them; empty means the rules bundled with vipwatch
 * @param stateDir  where the service keeps what must survive a restart: silences, active alerts, the alert outbox
 * @param scheduler where the probe schedule lives: this process, or a job store shared by several instances
 */
public record Config(Path source, SshSettings ssh, MysqlSettings mysql, ProbeSettings probes,
                     Optional<Path> rulesPath, List<ClusterConfig> clusters, ServiceSettings service,
                     RepairSettings repairs, AlertSettings alerts, Path stateDir,
                     List<MaintenanceWindow> maintenance, SchedulerSettings scheduler) {
    public Config {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(ssh, "ssh");
        Objects.requireNonNull(mysql, "mysql");
        Objects.requireNonNull(probes, "probes");
        Objects.requireNonNull(rulesPath, "rulesPath");
        clusters = List.copyOf(clusters);
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(repairs, "repairs");
        Objects.requireNonNull(alerts, "alerts");
        Objects.requireNonNull(stateDir, "stateDir");
        maintenance = List.copyOf(maintenance);
        Objects.requireNonNull(scheduler, "scheduler");
    }

    /** Number of VIPs over all clusters. */
    public int vipCount() {
        return clusters.stream().mapToInt(c -> c.vips().size()).sum();
    }
}
