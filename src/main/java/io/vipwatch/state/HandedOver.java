package io.vipwatch.state;

import io.vipwatch.config.VipConfig;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The last handover of one VIP: a failover manager (MHA, through {@code vipwatch mha --command=start}) gave it to
 * {@code host}. The service believes it over its own view where the config leaves room: see
 * {@code VipFacts.expectedHolder()}.
 *
 * @param configuredHolder the VIP's static {@code expected_holder} in the config at the time (empty for
 *                         {@code writable} and {@code any}). The handover applies only while the config still says
 *                         the same: an operator who edits the config has decided anew.
 * @param by               who handed it over, for the status page: "vipwatch mha (failover)"
 */
public record HandedOver(String cluster, String vip, String host, Optional<String> configuredHolder, Instant at,
                         String by) {
    public HandedOver {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(vip, "vip");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(configuredHolder, "configuredHolder");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(by, "by");
    }

    /** Whether this handover is about {@code vip} as configured now. */
    public boolean appliesTo(String cluster, VipConfig vip) {
        return this.cluster.equals(cluster) && this.vip.equals(vip.name())
                && configuredHolder.equals(vip.policy().host());
    }
}
