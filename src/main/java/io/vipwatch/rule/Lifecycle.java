package io.vipwatch.rule;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a rule behaves over time in the service (the one-shot {@code check} ignores all of it).
 *
 * @param forCycles   consecutive cycles the condition must hold before the rule fires
 * @param clearFor    consecutive cycles the condition must be false before a fired rule resolves
 * @param repair      the repair plan to run while the rule is firing; empty: alert only
 * @param alerts      alert channel names; empty: the channels' defaults ({@code defaults.channels})
 * @param cooldown    minimum time between two repair attempts of this rule on one VIP
 * @param maxAttempts repairs allowed within {@code window} before the rule stops repairing the VIP
 *                    ({@code repair-exhausted}) until the VIP has been healthy again
 * @param runbook     what a person should look at first, shown in alerts
 */
public record Lifecycle(int forCycles, int clearFor, Optional<String> repair, Optional<List<String>> alerts,
                        Duration cooldown, int maxAttempts, Duration window, Optional<String> runbook) {
    public static final Lifecycle DEFAULT = new Lifecycle(1, 1, Optional.empty(), Optional.empty(),
            Duration.ofSeconds(5), 3, Duration.ofMinutes(10), Optional.empty());

    public Lifecycle {
        Objects.requireNonNull(repair, "repair");
        Objects.requireNonNull(cooldown, "cooldown");
        Objects.requireNonNull(window, "window");
        alerts = alerts.map(List::copyOf);
        Objects.requireNonNull(runbook, "runbook");
        if (forCycles < 1 || clearFor < 1 || maxAttempts < 1) {
            throw new IllegalArgumentException("for, clear_for and max_attempts are at least 1");
        }
    }
}
