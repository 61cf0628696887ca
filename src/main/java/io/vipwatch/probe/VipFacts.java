package io.vipwatch.probe;

import io.vipwatch.config.VipConfig;
import io.vipwatch.state.HandedOver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything one probe cycle learned about one VIP: the immutable snapshot that rules are evaluated against and
 * that {@code check} prints.
 *
 * @param handover the VIP's last handover by a failover manager ({@code vipwatch mha start}), if it applies to the
 *                 VIP as configured now; it decides who should hold the VIP where the policy leaves that open
 */
public record VipFacts(String cluster, VipConfig vip, Instant observedAt, Duration elapsed, Location location,
                       Observed<PingReply> ping, List<ArpView> arp, Observed<List<String>> l2Macs,
                       Observed<SqlReply> sql, Roles roles, Optional<HandedOver> handover) {
    public VipFacts {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(vip, "vip");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(ping, "ping");
        Objects.requireNonNull(l2Macs, "l2Macs");
        Objects.requireNonNull(sql, "sql");
        arp = List.copyOf(arp);
        Objects.requireNonNull(roles, "roles");
        Objects.requireNonNull(handover, "handover");
    }

    /**
     * Who should hold the VIP this cycle:
     * <ul>
     *   <li>{@code static}: the configured host, or the host of the VIP's last handover (MHA moved it there);</li>
     *   <li>{@code writable}: the single master when every host answered. Several masters — an old master that came
     *       back writable after a failover it did not see — are decided by the last handover, if it named one of
     *       them. Otherwise empty: unknown;</li>
     *   <li>{@code any}: nobody, except that several holders are decided by the last handover, if it named one of
     *       them.</li>
     * </ul>
     * A handover only ever picks among hosts that look entitled this cycle; it never overrules a single master.
     */
    public Optional<String> expectedHolder() {
        return switch (vip.policy().kind()) {
            case STATIC -> handover.map(HandedOver::host).or(vip.policy()::host);
            case WRITABLE -> !roles.complete() ? Optional.empty()
                    : roles.masters().size() == 1 ? Optional.of(roles.masters().get(0))
                    : handedToOneOf(roles.masters());
            case ANY -> location.holders().size() > 1 ? handedToOneOf(location.holders()) : Optional.empty();
        };
    }

    /**
     * Whether this cycle shows that the handover no longer describes the cluster: a single master (policy
     * {@code writable}) or a single holder (policy {@code any}) elsewhere than the handover said, e.g. after a
     * failover by other means. Such a handover must not decide a later split brain. Never for {@code static}: its
     * handover stands until the next one, or until the config names another holder.
     */
    public boolean handoverOutdated() {
        if (handover.isEmpty()) {
            return false;
        }
        String host = handover.get().host();
        return switch (vip.policy().kind()) {
            case STATIC -> false;
            case WRITABLE -> roles.complete() && roles.masters().size() == 1 && !roles.masters().get(0).equals(host);
            case ANY -> location.complete() && location.holders().size() == 1
                    && !location.holders().get(0).equals(host);
        };
    }

    /** The same facts with another location: what a repair sees after it moved the VIP. */
    public VipFacts withLocation(Location moved) {
        return new VipFacts(cluster, vip, observedAt, elapsed, moved, ping, arp, l2Macs, sql, roles, handover);
    }

    private Optional<String> handedToOneOf(List<String> candidates) {
        return handover.map(HandedOver::host).filter(candidates::contains);
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
