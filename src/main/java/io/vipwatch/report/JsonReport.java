package io.vipwatch.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vipwatch.probe.ArpView;
import io.vipwatch.probe.Location;
import io.vipwatch.probe.NeighbourEntry;
import io.vipwatch.probe.Observed;
import io.vipwatch.probe.PingReply;
import io.vipwatch.probe.SqlReply;
import io.vipwatch.probe.VipFacts;
import io.vipwatch.rule.FactSchema;
import io.vipwatch.rule.Problem;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of VIP facts and problems: {@code check --json}, and the facts part of the status API.
 * Every fact of every VIP. A fact that could not be established is {@code null}, with the
 * probe's {@code status} and {@code detail} saying why, so a consumer can tell "false" from "unknown".
 */
public final class JsonReport {
    public static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {
    }

    public static String render(List<CheckedVip> results, Duration elapsed) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode vips = root.putArray("vips");
        results.forEach(r -> vips.add(vip(r)));
        root.put("healthy", results.stream().allMatch(r -> r.evaluation().healthy()));
        root.put("elapsed_ms", elapsed.toMillis());
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of plain nodes always serializes", e);
        }
    }

    /** One VIP: its facts, problems and undecided rules. */
    public static ObjectNode vip(CheckedVip r) {
        VipFacts f = r.facts();
        Location loc = f.location();
        ObjectNode n = MAPPER.createObjectNode();
        n.put("cluster", f.cluster());
        n.put("vip", f.vip().name());
        n.put("address", f.vip().address().ip());
        n.put("prefix_length", f.vip().address().prefixLength());
        n.put("policy", f.vip().policy().label());
        n.put("expected_holder", f.expectedHolder().orElse(null)); // for policy writable: this cycle's master
        f.handover().ifPresentOrElse(h -> n.putObject("handover").put("host", h.host()).put("at", h.at().toString())
                .put("by", h.by()), () -> n.putNull("handover"));
        strings(n.putArray("holders"), loc.holders());
        n.put("location_complete", loc.complete());
        strings(n.putArray("unreachable_hosts"), loc.unreachable());
        strings(n.putArray("link_down_hosts"), loc.linkDown());
        ObjectNode details = n.putObject("host_details");
        loc.hostDetails().forEach(details::put);
        ObjectNode interfaces = n.putObject("holder_interfaces");
        loc.holderInterfaces().forEach((h, i) -> interfaces.putObject(h).put("interface", i)
                .put("mac", loc.holderMacs().get(h)));
        n.set("ping", ping(f.ping()));
        Map<String, Object> values = FactSchema.values(f);
        ObjectNode arp = arp(f.arp().isEmpty() ? null : f.arp().get(0));
        arp.put("holder_mac", (String) values.get("arp.holder_mac"));
        if (values.containsKey("arp.ok")) {
            arp.put("ok", (Boolean) values.get("arp.ok"));
        } else {
            arp.putNull("ok");
        }
        n.set("arp", arp);
        ArrayNode views = n.putArray("arp_views");
        f.arp().forEach(v -> views.add(arp(v)));
        if (f.l2Macs().known()) {
            strings(n.putArray("l2_macs"), f.l2Macs().value());
        } else {
            n.putNull("l2_macs");
            n.put("l2_detail", f.l2Macs().detail());
        }
        n.set("sql", sql(f.sql()));
        ArrayNode problems = n.putArray("problems");
        r.evaluation().problems().forEach(p -> problems.add(problem(p)));
        strings(n.putArray("undecided"), r.evaluation().undecided());
        n.put("probed_at", f.observedAt().toString());
        n.put("elapsed_ms", f.elapsed().toMillis());
        return n;
    }

    private static ObjectNode ping(Observed<PingReply> o) {
        ObjectNode n = status(o);
        if (o.known()) {
            n.put("ok", o.value().ok());
            if (o.value().ok()) {
                n.put("rtt_ms", o.value().rttMs());
            } else {
                n.putNull("rtt_ms");
                n.put("detail", o.value().detail());
            }
        } else {
            n.putNull("ok");
            n.putNull("rtt_ms");
        }
        return n;
    }

    private static ObjectNode arp(ArpView view) {
        if (view == null) {
            return MAPPER.createObjectNode();
        }
        ObjectNode n = status(view.entry());
        n.put("vantage", view.vantage());
        NeighbourEntry e = view.entry().value();
        n.put("mac", e == null || e.mac().isEmpty() ? null : e.mac());
        n.put("state", e == null ? null : e.state());
        return n;
    }

    private static ObjectNode sql(Observed<SqlReply> o) {
        ObjectNode n = status(o);
        SqlReply s = o.value();
        n.put("ok", s == null ? null : s.ok());
        n.put("server", s == null ? null : s.server());
        n.put("identity", s == null ? null : s.identity());
        n.put("latency_ms", s == null ? null : Math.round(s.latencyMs() * 100) / 100.0);
        n.put("error", s == null ? null : s.error());
        n.put("timed_out", s != null && s.timedOut());
        if (s != null && !s.note().isEmpty()) {
            n.put("note", s.note());
        }
        return n;
    }

    private static ObjectNode status(Observed<?> o) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("status", o.status().name().toLowerCase(java.util.Locale.ROOT));
        if (!o.detail().isEmpty()) {
            n.put("detail", o.detail());
        }
        n.put("elapsed_ms", o.elapsed().toMillis());
        return n;
    }

    private static ObjectNode problem(Problem p) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("name", p.name());
        n.put("severity", p.severity().label());
        strings(n.putArray("hosts"), p.hosts());
        n.put("summary", p.summary());
        return n;
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}
