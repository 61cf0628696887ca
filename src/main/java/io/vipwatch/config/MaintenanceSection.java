package io.vipwatch.config;

import java.text.ParseException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TimeZone;
import org.quartz.CronExpression;

/**
 * The {@code maintenance:} section: recurring windows in which VIPs are silenced.
 *
 * <pre>
 * maintenance:
 *   - cluster: main                # a configured cluster
 *     vip: rw                      # optional: one VIP of it; absent = every VIP of the cluster
 *     cron: "0 0 2 ? * SUN"        # Quartz cron, seconds first
 *     duration: 2h                 # 1m .. 7d (168h)
 *     reason: weekly OS patching
 *     time_zone: Europe/Berlin     # optional; default the system zone
 * </pre>
 */
final class MaintenanceSection {
    static final Duration MIN_DURATION = Duration.ofMinutes(1);
    static final Duration MAX_DURATION = Duration.ofDays(7);
    /** Firings sampled to tell a cron whose occurrences chain into one endless window. */
    private static final int OVERLAP_SAMPLE = 100;

    private MaintenanceSection() {
    }

    /** Reads {@code maintenance:} of the top-level mapping, reporting problems to it; clusters are already read. */
    static List<MaintenanceWindow> windows(YamlMap top, List<ClusterConfig> clusters) {
        List<MaintenanceWindow> windows = new ArrayList<>();
        for (YamlMap m : top.list("maintenance")) {
            m.rejectUnknownKeys(Set.of("cluster", "vip", "cron", "duration", "reason", "time_zone"));
            Optional<ClusterConfig> cluster = cluster(m, clusters);
            Optional<String> vip = m.optionalString("vip");
            cluster.ifPresent(c -> vip.ifPresent(v -> checkVip(m, c, v)));
            ZoneId zone = m.parsed("time_zone", MaintenanceSection::zone,
                    "a time zone ID such as Europe/Berlin or UTC").orElse(ZoneId.systemDefault());
            Duration duration = m.has("duration")
                    ? m.duration("duration", MIN_DURATION, MIN_DURATION, MAX_DURATION)
                    : missing(m, "duration");
            Optional<CronExpression> cron = cron(m, zone);
            cron.ifPresent(c -> rejectEndlessWindow(m, c, duration));
            String reason = m.requiredString("reason");
            if (cluster.isPresent() && cron.isPresent() && !reason.isBlank()) {
                windows.add(new MaintenanceWindow(cluster.get().name(), vip, cron.get().getCronExpression(), zone,
                        duration, reason, new Origin(m.file(), m.line())));
            }
        }
        return windows;
    }

    private static Duration missing(YamlMap m, String key) {
        m.requiredString(key);
        return MIN_DURATION;
    }

    private static Optional<ClusterConfig> cluster(YamlMap m, List<ClusterConfig> clusters) {
        String name = m.requiredString("cluster");
        if (name.isBlank()) {
            return Optional.empty();
        }
        Optional<ClusterConfig> found = clusters.stream().filter(c -> c.name().equals(name)).findFirst();
        if (found.isEmpty()) {
            m.error("cluster", "names no configured cluster (clusters: "
                    + String.join(", ", clusters.stream().map(ClusterConfig::name).toList()) + "), found '" + name
                    + "'");
        }
        return found;
    }

    private static void checkVip(YamlMap m, ClusterConfig cluster, String vip) {
        List<String> names = cluster.vips().stream().map(VipConfig::name).toList();
        if (!names.contains(vip)) {
            m.error("vip", "names no VIP of cluster '" + cluster.name() + "' (VIPs: " + String.join(", ", names)
                    + "; leave vip out to cover them all), found '" + vip + "'");
        }
    }

    private static Optional<CronExpression> cron(YamlMap m, ZoneId zone) {
        String text = m.requiredString("cron");
        if (text.isBlank()) {
            return Optional.empty();
        }
        try {
            CronExpression cron = new CronExpression(text);
            cron.setTimeZone(TimeZone.getTimeZone(zone));
            return Optional.of(cron);
        } catch (ParseException e) {
            m.error("cron", "not a Quartz cron expression (seconds minutes hours day-of-month month day-of-week "
                    + "[year], e.g. '0 0 2 ? * SUN'): " + e.getMessage() + ": '" + text + "'");
            return Optional.empty();
        }
    }

    /**
     * A window whose every occurrence begins before the previous one ends never closes: its VIPs would lose
     * repairs for good. That is almost certainly a mistake (an hourly cron with a 2h duration), so it is refused;
     * occasional overlaps are allowed and simply join.
     */
    private static void rejectEndlessWindow(YamlMap m, CronExpression cron, Duration duration) {
        Date fire = cron.getTimeAfter(Date.from(Instant.now()));
        Duration longest = null;
        for (int i = 0; i < OVERLAP_SAMPLE && fire != null; i++) {
            Date next = cron.getTimeAfter(fire);
            if (next == null) {
                return;
            }
            Duration gap = Duration.between(fire.toInstant(), next.toInstant());
            if (gap.compareTo(duration) > 0) {
                return;
            }
            longest = longest == null || gap.compareTo(longest) > 0 ? gap : longest;
            fire = next;
        }
        if (longest != null) {
            m.error("duration", Durations.format(duration) + " reaches the next firing of the cron every time (they "
                    + "are at most " + Durations.format(longest) + " apart): the window would never close and its "
                    + "VIPs would never be repaired");
        }
    }

    static Optional<ZoneId> zone(String s) {
        try {
            return Optional.of(ZoneId.of(s));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }
}
