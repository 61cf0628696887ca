package io.vipwatch.probe;

import io.vipwatch.config.VipConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything one probe cycle learned about one VIP: the immutable snapshot that rules are evaluated against and
 * that {@code check} prints.
 */
public record VipFacts(String cluster, VipConfig vip, Instant observedAt, Duration elapsed, Location location,
                       Observed<PingReply> ping, List<ArpView> arp, Observed<List<String>> l2Macs,
                       Observed<SqlReply> sql, Roles roles) {
    public VipFacts {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(vip, "vip");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(ping, "ping");
        Objects.requireNonNull(l2Macs, "l2Macs");
        Objects.requireNonNull(sql, "sql");
        arp = List.copyOf(arp);
        Objects.requireNonNull(roles, "roles");
    }

    /**
     * Who should hold the VIP this cycle: the static host; for policy {@code writable} the single master when every
     * host answered (else empty: unknown); for {@code any} empty.
     */
    public Optional<String> expectedHolder() {
        return switch (vip.policy().kind()) {
            case STATIC -> vip.policy().host();
            case WRITABLE -> roles.complete() && roles.masters().size() == 1
                    ? Optional.of(roles.masters().get(0)) : Optional.empty();
            case ANY -> Optional.empty();
        };
    }

    /**
     * The MAC that neighbours should have for the VIP: the single holder's, or the expected holder's when it is
     * one of several. Empty when there is no rightful holder to compare with.
     */
    public Optional<String> rightfulMac() {
        List<String> holders = location.holders();
        if (holders.size() == 1) {
            return Optional.ofNullable(location.holderMacs().get(holders.get(0)));
        }
        return expectedHolder().filter(holders::contains).map(h -> location.holderMacs().get(h));
    }
}
