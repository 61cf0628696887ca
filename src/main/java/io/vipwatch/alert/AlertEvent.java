package io.vipwatch.alert;

import java.time.Instant;
import java.util.Objects;

/**
 * One alert's news for one channel in one cycle. An alert is identified by (rule, cluster, VIP).
 *
 * @param since when the alert started firing
 * @param at    when this news was produced (for {@link Kind#RESOLVED}: when the alert resolved)
 */
public record AlertEvent(String channel, Kind kind, String cluster, String vip, String rule, Instant since,
                         Instant at) {
    /** First announcement, a reminder while still active, or the all-clear. */
    public enum Kind { FIRING, REPEAT, RESOLVED }

    public AlertEvent {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(at, "at");
    }

    public boolean resolved() {
        return kind == Kind.RESOLVED;
    }
}
