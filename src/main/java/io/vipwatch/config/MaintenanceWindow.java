package io.vipwatch.config;

import java.time.Duration;
import java.util.Optional;

/**
 * A recurring maintenance window from the {@code maintenance:} section: from each time {@code cron} fires
 * (Quartz cron syntax, with seconds) for {@code duration}, the VIPs it covers are silenced — alerts held back and
 * repairs suspended.
 *
 * @param vip empty: every VIP of the cluster
 */
public record MaintenanceWindow(String cluster, Optional<String> vip, String cron, Duration duration, String reason,
                                Origin origin) {
}
