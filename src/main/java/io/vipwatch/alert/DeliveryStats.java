package io.vipwatch.alert;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A snapshot of alert delivery since the service started, for the status API.
 *
 * @param channels       channel name → its counters, sorted by name
 * @param recentFailures the notifications given up on most recently, newest first (at most {@link #RECENT_FAILURES})
 */
public record DeliveryStats(Map<String, ChannelStats> channels, List<FailedNotification> recentFailures) {
    public static final int RECENT_FAILURES = 20;

    public DeliveryStats {
        channels = Collections.unmodifiableMap(new TreeMap<>(channels));
        recentFailures = List.copyOf(recentFailures);
    }

    /** Notifications waiting for delivery on all channels: the alert backlog. */
    public int pending() {
        return channels.values().stream().mapToInt(ChannelStats::pending).sum();
    }

    /**
     * @param delivered   notifications the receiver accepted
     * @param failed      notifications given up on after {@code max_age}
     * @param attempts    every send attempt, successful or not
     * @param retries     failed attempts that were followed by another try
     * @param pending     notifications waiting, including one being sent
     * @param lastError   the last failed attempt's error (safe to show: no secrets)
     * @param nextAttempt when the channel's head notification is retried, while it waits after a failure
     */
    public record ChannelStats(long delivered, long failed, long attempts, long retries, int pending,
                               Optional<String> lastError, Optional<Instant> lastSuccess,
                               Optional<Instant> lastFailure, Optional<Instant> nextAttempt) {
    }

    /** A notification given up on: it is in the outbox's {@code failed/} directory with the same reason. */
    public record FailedNotification(String id, String channel, String subject, String reason, Instant failedAt) {
    }
}
