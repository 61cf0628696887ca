package io.vipwatch.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A virtual IP.
 *
 * @param policy   who should hold it
 * @param interval probe interval for this VIP; empty: {@code probes.interval} (or {@code cron})
 * @param cron     a Quartz cron expression instead of an interval
 * @param dryRun   plan repairs for this VIP but run none of their commands
 */
public record VipConfig(String name, VipAddress address, HolderPolicy policy, Optional<Duration> interval,
                        Optional<String> cron, boolean dryRun) {
    public VipConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(cron, "cron");
        if (interval.isPresent() && cron.isPresent()) {
            throw new IllegalArgumentException("interval and cron are exclusive");
        }
    }

    /** A VIP with a static holder, or policy {@code any} when {@code expectedHolder} is empty. */
    public VipConfig(String name, VipAddress address, Optional<String> expectedHolder) {
        this(name, address, expectedHolder.map(HolderPolicy::of).orElse(HolderPolicy.any()), Optional.empty(),
                Optional.empty(), false);
    }

    /** The named expected holder of a static policy; empty for {@code writable} and {@code any}. */
    public Optional<String> expectedHolder() {
        return policy.host();
    }
}
