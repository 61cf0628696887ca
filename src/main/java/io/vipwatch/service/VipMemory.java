package io.vipwatch.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vipwatch.alert.AlertBook;
import io.vipwatch.rule.RuleTracker;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one VIP's cycle leaves the next one, wherever that runs ({@code scheduler.store: jdbc}): each rule's streaks
 * and repair attempts, the VIP's active alerts and what each channel was told, and since when its repairs are
 * exhausted. As JSON, in the job store. What is not carried: the last repair's outcome and the recent events shown
 * by {@code /api/status} (each instance shows its own), and nothing the next cycle probes afresh anyway.
 */
record VipMemory(Map<String, RuleTracker.Saved> rules, Map<String, AlertBook.Saved> alerts,
                 Optional<Instant> exhaustedSince) {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int VERSION = 1;

    String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", VERSION);
        ObjectNode r = root.putObject("rules");
        rules.forEach((name, s) -> {
            ObjectNode n = r.putObject(name);
            n.put("true_streak", s.trueStreak());
            n.put("false_streak", s.falseStreak());
            n.put("firing", s.firing());
            if (s.since() != null) {
                n.put("since", s.since().toString());
            }
            s.attempts().forEach(a -> n.withArray("attempts").add(a.toString()));
            n.put("exhausted", s.exhausted());
        });
        ObjectNode a = root.putObject("alerts");
        alerts.forEach((name, s) -> {
            ObjectNode n = a.putObject(name);
            n.put("since", s.since().toString());
            ObjectNode sent = n.putObject("last_sent");
            s.lastSent().forEach((channel, at) -> sent.put(channel, at.toString()));
        });
        exhaustedSince.ifPresent(t -> root.put("exhausted_since", t.toString()));
        return root.toString();
    }

    /** Empty when the JSON is not one this version wrote (the cycle then goes on from its own state). */
    static Optional<VipMemory> fromJson(String text) {
        try {
            JsonNode root = JSON.readTree(text);
            if (root.path("version").asInt() != VERSION) {
                return Optional.empty();
            }
            Map<String, RuleTracker.Saved> rules = new LinkedHashMap<>();
            root.path("rules").fields().forEachRemaining(e -> {
                JsonNode n = e.getValue();
                List<Instant> attempts = new ArrayList<>();
                n.path("attempts").forEach(x -> attempts.add(Instant.parse(x.asText())));
                rules.put(e.getKey(), new RuleTracker.Saved(n.path("true_streak").asInt(),
                        n.path("false_streak").asInt(), n.path("firing").asBoolean(),
                        n.hasNonNull("since") ? Instant.parse(n.path("since").asText()) : null, attempts,
                        n.path("exhausted").asBoolean()));
            });
            Map<String, AlertBook.Saved> alerts = new LinkedHashMap<>();
            root.path("alerts").fields().forEachRemaining(e -> {
                Map<String, Instant> sent = new LinkedHashMap<>();
                e.getValue().path("last_sent").fields().forEachRemaining(
                        s -> sent.put(s.getKey(), Instant.parse(s.getValue().asText())));
                alerts.put(e.getKey(), new AlertBook.Saved(Instant.parse(e.getValue().path("since").asText()), sent));
            });
            Optional<Instant> exhausted = root.hasNonNull("exhausted_since")
                    ? Optional.of(Instant.parse(root.path("exhausted_since").asText())) : Optional.empty();
            return Optional.of(new VipMemory(rules, alerts, exhausted));
        } catch (java.io.IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
