package io.vipwatch.silence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vipwatch.config.Durations;
import io.vipwatch.config.MaintenanceWindow;
import io.vipwatch.report.Text;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What {@code vipwatch silence list} shows: the silences and the maintenance windows, each window with its
 * current occurrence or its next one. Times in a table are local (with the zone's abbreviation); in JSON they are
 * ISO-8601 UTC.
 */
public final class SilenceListing {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final DateTimeFormatter TABLE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z", Locale.ROOT);
    private static final String[] SILENCE_HEADER = {"ID", "SCOPE", "STARTS", "ENDS", "REMAINING", "BY", "REASON"};
    private static final String[] WINDOW_HEADER = {"ID", "SCOPE", "STARTS", "ENDS", "REMAINING", "SCHEDULE",
        "REASON"};

    private final List<Silence> silences;
    private final List<MaintenanceSchedule> windows;
    private final Instant now;

    /** @param silences those to show (the caller filters active ones, or not, for {@code --all}) */
    public SilenceListing(List<Silence> silences, List<MaintenanceSchedule> windows, Instant now) {
        this.silences = List.copyOf(silences);
        this.windows = List.copyOf(windows);
        this.now = now;
    }

    /** The human form: two tables, silences then maintenance windows. */
    public void table(PrintWriter out, String where, Path config, boolean all, ZoneId zone) {
        if (silences.isEmpty()) {
            out.printf("No %s in %s.%n", all ? "silences (active, or ended within the last "
                    + Durations.format(SilenceStore.KEEP_ENDED) + ")" : "active silences", where);
        } else {
            long active = silences.stream().filter(s -> s.activeAt(now)).count();
            out.printf("Silences in %s (%d active):%n", where, active);
            List<String[]> rows = new ArrayList<>();
            rows.add(SILENCE_HEADER);
            for (Silence s : silences) {
                rows.add(new String[] {s.id(), s.scope(), time(s.createdAt(), zone), time(s.end(), zone),
                    remaining(s), s.createdBy(), s.reason()});
            }
            Text.columns(out, rows);
        }
        out.println();
        if (windows.isEmpty()) {
            out.printf("No maintenance windows in %s.%n", config);
            return;
        }
        out.printf("Maintenance windows in %s:%n", config);
        List<String[]> rows = new ArrayList<>();
        rows.add(WINDOW_HEADER);
        for (MaintenanceSchedule m : windows) {
            MaintenanceWindow w = m.window();
            Optional<Occurrence> o = occurrence(m);
            String remaining = o.map(x -> x.active() ? Text.duration(Duration.between(now, x.end()))
                    : "starts in " + Text.duration(Duration.between(now, x.start()))).orElse("never again");
            rows.add(new String[] {m.id(), w.scope(), o.map(x -> time(x.start(), zone)).orElse("-"),
                o.map(x -> time(x.end(), zone)).orElse("-"), remaining,
                w.cron() + " " + w.timeZone() + " for " + Durations.format(w.duration()), w.reason()});
        }
        Text.columns(out, rows);
    }

    /** The JSON form; {@code starts_at}/{@code ends_at} of a window are its current occurrence, else its next. */
    public String json(String where, Path config) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("now", now.toString());
        root.put("state_file", where);
        root.put("config", config.toString());
        ArrayNode list = root.putArray("silences");
        for (Silence s : silences) {
            ObjectNode n = SilenceJson.node(s);
            n.put("active", s.activeAt(now));
            list.add(n);
        }
        ArrayNode ws = root.putArray("maintenance");
        for (MaintenanceSchedule m : windows) {
            MaintenanceWindow w = m.window();
            Optional<Occurrence> o = occurrence(m);
            ObjectNode n = ws.addObject();
            n.put("id", m.id());
            n.put("cluster", w.cluster());
            n.put("vip", w.vip().orElse(null));
            n.put("cron", w.cron());
            n.put("time_zone", w.timeZone().getId());
            n.put("duration", Durations.format(w.duration()));
            n.put("reason", w.reason());
            n.put("origin", w.origin().toString());
            n.put("active", o.map(Occurrence::active).orElse(false));
            n.put("starts_at", o.map(x -> x.start().toString()).orElse(null));
            n.put("ends_at", o.map(x -> x.end().toString()).orElse(null));
        }
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of plain nodes always serializes", e);
        }
    }

    /** A window's occurrence in force now, else its next one; empty when its cron never fires again. */
    private Optional<Occurrence> occurrence(MaintenanceSchedule m) {
        Optional<ActiveSilence> current = m.activeAt(now);
        if (current.isPresent()) {
            return Optional.of(new Occurrence(current.get().since(), current.get().until(), true));
        }
        return m.nextStart(now).map(s -> new Occurrence(s, s.plus(m.window().duration()), false));
    }

    private record Occurrence(Instant start, Instant end, boolean active) {
    }

    private String remaining(Silence s) {
        if (s.activeAt(now)) {
            return Text.duration(Duration.between(now, s.end()));
        }
        return s.expiredAt().isPresent() && s.expiredAt().get().isBefore(s.endsAt()) ? "expired" : "ended";
    }

    /** {@code 2025-06-01 16:02 CEST}. */
    public static String time(Instant t, ZoneId zone) {
        return TABLE_TIME.format(t.atZone(zone));
    }
}
