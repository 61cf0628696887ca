package io.vipwatch.rule;

import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import io.vipwatch.config.HolderPolicy;
import io.vipwatch.probe.ArpView;
import io.vipwatch.probe.Location;
import io.vipwatch.probe.NeighbourEntry;
import io.vipwatch.probe.PingReply;
import io.vipwatch.probe.SqlReply;
import io.vipwatch.probe.VipFacts;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The facts a rule condition can use, with their CEL types, and how a {@link VipFacts} snapshot becomes their
 * values. A fact that is unknown this cycle (its probe timed out or failed) is simply left out: CEL then evaluates
 * any condition that needs it to <em>unknown</em>, and an unknown condition never fires. That is how "SSH timed out"
 * is kept from ever reading as "VIP absent". CEL's {@code &&}/{@code ||} still decide when the known side suffices.
 */
public final class FactSchema {
    private static final CelType STRINGS = ListType.create(SimpleType.STRING);

    /** Name → type, in documentation order. */
    public static final Map<String, CelType> FACTS = declare();

    private FactSchema() {
    }

    private static Map<String, CelType> declare() {
        Map<String, CelType> f = new LinkedHashMap<>();
        f.put("cluster", SimpleType.STRING);
        f.put("vip.name", SimpleType.STRING);
        f.put("vip.address", SimpleType.STRING);
        f.put("vip.policy", SimpleType.STRING);
        f.put("vip.expected_holder", SimpleType.STRING);
        f.put("vip.holders", STRINGS);
        f.put("vip.holders_without_link", STRINGS);
        f.put("location.complete", SimpleType.BOOL);
        f.put("hosts.all", STRINGS);
        f.put("hosts.unreachable", STRINGS);
        f.put("hosts.link_down", STRINGS);
        f.put("ping.ok", SimpleType.BOOL);
        f.put("ping.rtt_ms", SimpleType.DOUBLE);
        f.put("arp.mac", SimpleType.STRING);
        f.put("arp.state", SimpleType.STRING);
        f.put("arp.holder_mac", SimpleType.STRING);
        f.put("arp.ok", SimpleType.BOOL);
        f.put("arp.stale_on", STRINGS);
        f.put("l2.macs", STRINGS);
        f.put("l2.count", SimpleType.INT);
        f.put("sql.ok", SimpleType.BOOL);
        f.put("sql.timed_out", SimpleType.BOOL);
        f.put("sql.latency_ms", SimpleType.DOUBLE);
        f.put("sql.error", SimpleType.STRING);
        f.put("sql.server", SimpleType.STRING);
        f.put("mysql.masters", STRINGS);
        return Collections.unmodifiableMap(f);
    }

    /** The known facts of one snapshot, keyed by fact name. */
    public static Map<String, Object> values(VipFacts facts) {
        Map<String, Object> v = new HashMap<>();
        Location loc = facts.location();
        v.put("cluster", facts.cluster());
        v.put("vip.name", facts.vip().name());
        v.put("vip.address", facts.vip().address().ip());
        v.put("vip.policy", facts.vip().policy().label());
        // "" means "no particular host" (policy any); absent means "unknown" (policy writable, no single master).
        facts.expectedHolder().ifPresentOrElse(h -> v.put("vip.expected_holder", h), () -> {
            if (facts.vip().policy().kind() == HolderPolicy.Kind.ANY) {
                v.put("vip.expected_holder", "");
            }
        });
        if (facts.roles().complete()) {
            v.put("mysql.masters", facts.roles().masters());
        }
        if (loc.anyAnswered()) {
            v.put("vip.holders", loc.holders());
            v.put("vip.holders_without_link", loc.holdersNoLink());
        }
        v.put("location.complete", loc.complete());
        v.put("hosts.all", loc.hosts());
        v.put("hosts.unreachable", loc.unreachable());
        v.put("hosts.link_down", loc.linkDown());
        ping(facts, v);
        arp(facts, v);
        facts.l2Macs().get().ifPresent(macs -> {
            v.put("l2.macs", macs);
            v.put("l2.count", (long) macs.size());
        });
        facts.sql().get().ifPresent(s -> sql(s, v));
        return v;
    }

    private static void ping(VipFacts facts, Map<String, Object> v) {
        facts.ping().get().ifPresent((PingReply p) -> {
            v.put("ping.ok", p.ok());
            if (p.ok()) {
                v.put("ping.rtt_ms", p.rttMs());
            }
        });
    }

    private static void arp(VipFacts facts, Map<String, Object> v) {
        List<ArpView> views = facts.arp();
        if (!views.isEmpty() && views.get(0).entry().known()) {
            NeighbourEntry first = views.get(0).entry().value();
            v.put("arp.mac", first.mac());
            v.put("arp.state", first.state());
        }
        facts.rightfulMac().ifPresent(rightful -> {
            v.put("arp.holder_mac", rightful);
            List<String> staleOn = new ArrayList<>();
            boolean allKnown = true;
            for (ArpView view : views) {
                if (!view.entry().known()) {
                    allKnown = false;
                } else if (isWrong(view.entry().value(), rightful)) {
                    staleOn.add(view.vantage());
                }
            }
            // A vantage not heard from yet (pending, timed out) could be the stale one: the list is only a fact when
            // it is complete, or when it already names one.
            if (allKnown || !staleOn.isEmpty()) {
                v.put("arp.stale_on", staleOn);
                v.put("arp.ok", staleOn.isEmpty());
            }
        });
    }

    private static final Set<String> WITHOUT_MAC = Set.of("NONE", "INCOMPLETE", "FAILED");

    /** An entry that would send the VIP's traffic to another MAC than the rightful holder's. */
    static boolean isWrong(NeighbourEntry entry, String rightfulMac) {
        return !WITHOUT_MAC.contains(entry.state()) && !entry.mac().isEmpty() && !entry.mac().equals(rightfulMac);
    }

    private static void sql(SqlReply s, Map<String, Object> v) {
        v.put("sql.ok", s.ok());
        v.put("sql.timed_out", s.timedOut());
        v.put("sql.latency_ms", s.latencyMs());
        if (s.error() != null) {
            v.put("sql.error", s.error());
        }
        if (s.server() != null) {
            v.put("sql.server", s.server());
        }
    }
}
