package io.vipwatch.config;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;
import org.quartz.CronExpression;

/**
 * A recurring maintenance window from the {@code maintenance:} section: from each time {@code cron} fires
 * (Quartz cron syntax, with seconds, read in {@code timeZone}) for {@code duration}, the VIPs it covers are
 * silenced — alerts held back and repairs suspended.
 *
 * <p>The cron is kept as text, not as a parsed {@code CronExpression}: that class is mutable and compares by
 * identity, which would make two loads of the same config unequal. {@code io.vipwatch.silence} parses it once.
 *
 * @param vip      empty: every VIP of the cluster
 * @param timeZone the zone the cron's wall-clock fields are read in
 * @param duration elapsed time from each firing, so a window that spans a DST change lasts exactly this long
 * @param origin   where the window is defined, for messages
 */
public record MaintenanceWindow(String cluster, Optional<String> vip, String cron, ZoneId timeZone,
                                Duration duration, String reason, Origin origin) {
    public MaintenanceWindow {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(vip, "vip");
        Objects.requireNonNull(timeZone, "timeZone");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(origin, "origin");
        if (!CronExpression.isValidExpression(Objects.requireNonNull(cron, "cron"))) {
            throw new IllegalArgumentException("not a Quartz cron expression: '" + cron + "'");
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("duration must be positive, was " + duration);
        }
    }

    /** {@code cluster/vip}, or {@code cluster/*} for a window over the whole cluster. */
    public String scope() {
        return cluster + "/" + vip.orElse("*");
    }
}
