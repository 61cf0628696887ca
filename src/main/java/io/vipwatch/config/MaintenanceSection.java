package io.vipwatch.config;

import java.util.List;

/** The {@code maintenance:} section: recurring windows in which VIPs are silenced. */
final class MaintenanceSection {
    private MaintenanceSection() {
    }

    /** Reads {@code maintenance:} of the top-level mapping, reporting problems to it; clusters are already read. */
    static List<MaintenanceWindow> windows(YamlMap top, List<ClusterConfig> clusters) {
        return List.of();
    }
}
