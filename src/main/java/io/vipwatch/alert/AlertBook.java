package io.vipwatch.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vipwatch.state.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which alerts are active and what each channel has been told about them: the memory that turns "rule fires this
 * cycle" into "announce once, remind every repeat interval, say when it is over".
 *
 * <p>Per (rule, cluster, VIP) and channel the book keeps when that channel was last told. A channel that was never
 * told about an alert (it fired and resolved during a silence, say) gets no all-clear either. The book is written to
 * {@code alerts.json} in the state directory whenever it changes, so a restarted service still sends the all-clear
 * for an alert it announced before it died, and does not announce again one it already did.
 *
 * <p>Thread-safe: VIPs are updated from different scheduler threads; each update is short.
 */
public final class AlertBook {
    private static final Logger log = LoggerFactory.getLogger(AlertBook.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final class Tracked {
        final Instant since;
        final Map<String, Instant> lastSent = new TreeMap<>();

        Tracked(Instant since) {
            this.since = since;
        }
    }

    /** What one VIP's cycle says about its alerts. */
    public record Cycle(String cluster, String vip, Map<String, Instant> active, Set<String> cleared,
                        boolean silenced) {
        /**
         * @param active   alert name → firing since
         * @param cleared  alerts seen clear (their rule decided false long enough): only these resolve; an alert
         *                 that is merely not active (its rule undecided, or restored after a restart and not yet
         *                 re-evaluated) stays as it is
         * @param silenced alerts are held back: no first announcement, no reminder
         */
        public Cycle {
            active = Map.copyOf(active);
            cleared = Set.copyOf(cleared);
        }
    }

    private final Optional<Path> file;
    private final Map<String, Map<String, Tracked>> vips = new TreeMap<>();

    /** A book kept only in memory (tests, {@code check}). */
    public static AlertBook inMemory() {
        return new AlertBook(Optional.empty(), Set.of());
    }

    /**
     * Opens the book in {@code file}, forgetting alerts of VIPs not in {@code knownVips} ("cluster/vip"): a VIP
     * removed from the config can never resolve.
     */
    public static AlertBook open(Path file, Set<String> knownVips) {
        return new AlertBook(Optional.of(file), knownVips);
    }

    private AlertBook(Optional<Path> file, Set<String> knownVips) {
        this.file = file;
        file.filter(Files::exists).ifPresent(f -> load(f, knownVips));
    }

    /**
     * Feeds one cycle of one VIP.
     *
     * @param channelsOf the channels an alert goes to
     * @param repeatOf   a channel's repeat interval
     * @return the news to send, per alert and channel
     */
    public synchronized List<AlertEvent> update(Cycle cycle, Function<String, List<String>> channelsOf,
                                                Function<String, Duration> repeatOf, Instant now) {
        String key = cycle.cluster() + "/" + cycle.vip();
        Map<String, Tracked> alerts = vips.computeIfAbsent(key, k -> new TreeMap<>());
        List<AlertEvent> news = new ArrayList<>();
        boolean changed = false;
        for (Map.Entry<String, Instant> e : cycle.active().entrySet()) {
            String rule = e.getKey();
            Tracked t = alerts.get(rule);
            if (t == null) {
                t = new Tracked(e.getValue());
                alerts.put(rule, t);
                changed = true;
            }
            if (cycle.silenced()) {
                continue;
            }
            for (String channel : channelsOf.apply(rule)) {
                Instant last = t.lastSent.get(channel);
                AlertEvent.Kind kind = last == null ? AlertEvent.Kind.FIRING
                        : !now.isBefore(last.plus(repeatOf.apply(channel))) ? AlertEvent.Kind.REPEAT : null;
                if (kind != null) {
                    news.add(new AlertEvent(channel, kind, cycle.cluster(), cycle.vip(), rule, t.since, now));
                    t.lastSent.put(channel, now);
                    changed = true;
                }
            }
        }
        for (Iterator<Map.Entry<String, Tracked>> it = alerts.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Tracked> e = it.next();
            if (cycle.active().containsKey(e.getKey()) || !cycle.cleared().contains(e.getKey())) {
                continue;
            }
            // An all-clear is sent even during a silence: it closes what was announced before.
            e.getValue().lastSent.keySet().forEach(channel -> news.add(new AlertEvent(channel,
                    AlertEvent.Kind.RESOLVED, cycle.cluster(), cycle.vip(), e.getKey(), e.getValue().since, now)));
            it.remove();
            changed = true;
        }
        if (changed) {
            save();
        }
        return news;
    }

    /** One active alert as carried from one instance to another: since when, and when each channel was told. */
    public record Saved(Instant since, Map<String, Instant> lastSent) {
        public Saved {
            lastSent = Map.copyOf(lastSent);
        }
    }

    /** The active alerts of one VIP, to continue from elsewhere with {@link #restore}. */
    public synchronized Map<String, Saved> save(String cluster, String vip) {
        Map<String, Saved> out = new TreeMap<>();
        vips.getOrDefault(cluster + "/" + vip, Map.of()).forEach((rule, t) -> out.put(rule, new Saved(t.since,
                t.lastSent)));
        return out;
    }

    /** Replaces one VIP's active alerts with what another instance saved (and writes the book). */
    public synchronized void restore(String cluster, String vip, Map<String, Saved> saved) {
        Map<String, Tracked> alerts = new TreeMap<>();
        saved.forEach((rule, a) -> {
            Tracked t = new Tracked(a.since());
            t.lastSent.putAll(a.lastSent());
            alerts.put(rule, t);
        });
        vips.put(cluster + "/" + vip, alerts);
        save();
    }

    /** Active alerts of one VIP → since, as the book knows them (including ones restored from disk). */
    public synchronized Map<String, Instant> active(String cluster, String vip) {
        Map<String, Instant> out = new LinkedHashMap<>();
        vips.getOrDefault(cluster + "/" + vip, Map.of()).forEach((rule, t) -> out.put(rule, t.since));
        return out;
    }

    private void save() {
        if (file.isEmpty()) {
            return;
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("version", 1);
        ObjectNode all = root.putObject("vips");
        vips.forEach((vip, alerts) -> {
            if (alerts.isEmpty()) {
                return;
            }
            ObjectNode v = all.putObject(vip);
            alerts.forEach((rule, t) -> {
                ObjectNode a = v.putObject(rule);
                a.put("since", t.since.toString());
                ObjectNode sent = a.putObject("last_sent");
                t.lastSent.forEach((channel, at) -> sent.put(channel, at.toString()));
            });
        });
        Path target = file.get();
        try {
            Files.createDirectories(target.getParent());
            AtomicFile.replace(target, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        } catch (IOException e) {
            // The alerts still go out; only a restart would forget what was announced.
            log.error("cannot write {}: {}", target, e.toString());
        }
    }

    private void load(Path f, Set<String> knownVips) {
        try {
            JsonNode root = JSON.readTree(Files.readString(f, StandardCharsets.UTF_8));
            root.path("vips").fields().forEachRemaining(v -> {
                if (!knownVips.contains(v.getKey())) {
                    log.info("{}: forgetting the alerts of {}, which is no longer configured", f, v.getKey());
                    return;
                }
                Map<String, Tracked> alerts = new TreeMap<>();
                v.getValue().fields().forEachRemaining(a -> {
                    Tracked t = new Tracked(Instant.parse(a.getValue().path("since").asText()));
                    a.getValue().path("last_sent").fields().forEachRemaining(
                            s -> t.lastSent.put(s.getKey(), Instant.parse(s.getValue().asText())));
                    alerts.put(a.getKey(), t);
                });
                vips.put(v.getKey(), alerts);
            });
            log.info("{}: restored {} active alert(s)", f, vips.values().stream().mapToInt(Map::size).sum());
        } catch (IOException | RuntimeException e) {
            // Losing this only costs a possibly repeated announcement or a missing all-clear; never a crash.
            log.error("cannot read {} ({}): starting with no active alerts", f, e.toString());
        }
    }
}
