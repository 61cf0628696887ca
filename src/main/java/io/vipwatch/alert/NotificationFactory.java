package io.vipwatch.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vipwatch.config.AlertChannel;
import io.vipwatch.probe.Location;
import io.vipwatch.probe.NeighbourEntry;
import io.vipwatch.probe.Observed;
import io.vipwatch.probe.PingReply;
import io.vipwatch.probe.SqlReply;
import io.vipwatch.probe.VipFacts;
import io.vipwatch.repair.RepairOutcome;
import io.vipwatch.repair.StepRecord;
import io.vipwatch.report.CheckedVip;
import io.vipwatch.report.JsonReport;
import io.vipwatch.report.Text;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Renders an {@link AlertMessage} into the {@link Notification} one channel sends: subject, text and HTML from the
 * templates, and the JSON a webhook posts — vipwatch's generic document (its fields are listed in README.md,
 * "Alerts") or Alertmanager's list of alerts.
 *
 * <p>The notification id is derived from what the message says (channel, VIP, each alert's kind, rule, start and
 * time of the news), so the same news rendered twice gets the same id and receivers can drop the duplicate.
 */
public final class NotificationFactory {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Templates templates;
    private final Optional<URI> link;
    private final Function<String, Duration> repeatOf;
    private final String version;
    private final String sender;

    /**
     * @param link     where people see this vipwatch's status (the status API), if configured
     * @param repeatOf a channel's repeat interval: Alertmanager's {@code endsAt} for a firing alert lies a few
     *                 repeats ahead, so Alertmanager resolves it by itself if vipwatch falls silent
     * @param sender   the name of the machine vipwatch runs on, shown in messages
     */
    public NotificationFactory(Templates templates, Optional<URI> link, Function<String, Duration> repeatOf,
                               String version, String sender) {
        this.templates = templates;
        this.link = link;
        this.repeatOf = repeatOf;
        this.version = version;
        this.sender = sender;
    }

    public Notification render(AlertChannel channel, AlertMessage message) {
        String id = id(message);
        Map<String, Object> model = model(message, id);
        String subject = templates.render(Templates.Kind.EMAIL_SUBJECT, model).strip().replaceAll("\\s+", " ");
        if (channel instanceof AlertChannel.Webhook hook) {
            String text = templates.render(Templates.Kind.WEBHOOK_TEXT, model);
            String json = hook.format() == AlertChannel.Format.ALERTMANAGER ? alertmanager(message)
                    : generic(message, id, text);
            return new Notification(id, channel.name(), message.at(), subject, text, Optional.empty(), json);
        }
        boolean html = channel instanceof AlertChannel.Email email && email.html();
        return new Notification(id, channel.name(), message.at(), subject,
                templates.render(Templates.Kind.EMAIL_TEXT, model),
                html ? Optional.of(templates.render(Templates.Kind.EMAIL_HTML, model)) : Optional.empty(), "{}");
    }

    /**
     * A notification that says only "this channel works", for {@code vipwatch alert test}: no facts, no templates,
     * and for Alertmanager an {@code info} alert that ends by itself a minute later.
     */
    public static Notification test(AlertChannel channel, Instant now, String host) {
        String id = "vw-test-" + now.toEpochMilli();
        String text = "This is a test notification from vipwatch on " + host + " at " + time(now) + ".\n"
                + "If you read this, the alert channel '" + channel.name() + "' works.\n";
        String json;
        if (channel instanceof AlertChannel.Webhook hook && hook.format() == AlertChannel.Format.ALERTMANAGER) {
            ArrayNode list = JSON.createArrayNode();
            ObjectNode a = list.addObject();
            a.putObject("labels").put("alertname", "vipwatch-test").put("severity", "info").put("source", "vipwatch");
            a.putObject("annotations").put("summary", "test notification from vipwatch on " + host);
            a.put("startsAt", now.toString());
            a.put("endsAt", now.plus(Duration.ofMinutes(1)).toString());
            json = write(list);
        } else {
            ObjectNode root = JSON.createObjectNode();
            root.put("version", 1).put("id", id).put("source", "vipwatch").put("status", "test")
                    .put("created_at", now.toString()).put("text", text);
            json = write(root);
        }
        return new Notification(id, channel.name(), now, "[vipwatch] TEST notification from " + host, text,
                Optional.empty(), json);
    }

    static String id(AlertMessage m) {
        StringBuilder key = new StringBuilder(m.channel()).append('|').append(m.cluster()).append('/').append(m.vip());
        m.items().forEach(i -> key.append('|').append(i.event().kind()).append(' ').append(i.event().rule())
                .append(' ').append(i.event().since()).append(' ').append(i.event().at()));
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.toString().getBytes(StandardCharsets.UTF_8));
            return "vw-" + HexFormat.of().formatHex(hash, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    // ---- the template model: plain maps, lists and strings, named as in the templates ----

    private Map<String, Object> model(AlertMessage m, String id) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("id", id);
        model.put("status", m.firing() ? "FIRING" : "RESOLVED");
        model.put("cluster", m.cluster());
        model.put("vip", m.vip());
        model.put("vip_address", m.vipAddress());
        model.put("rules", String.join(", ", m.items().stream().map(i -> i.event().rule()).distinct().toList()));
        model.put("at", time(m.at()));
        model.put("observed_at", time(m.facts().observedAt()));
        List<Map<String, Object>> items = new ArrayList<>();
        for (AlertMessage.Item i : m.items()) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("state", switch (i.event().kind()) {
                case FIRING -> "FIRING";
                case REPEAT -> "STILL FIRING";
                case RESOLVED -> "RESOLVED";
            });
            item.put("rule", i.event().rule());
            item.put("severity", i.severity().label());
            item.put("summary", i.summary());
            item.put("hosts", String.join(", ", i.hosts()));
            item.put("since", time(i.event().since()));
            item.put("duration", Text.duration(Duration.between(i.event().since(), i.event().at())));
            item.put("resolved_at", i.event().resolved() ? time(i.event().at()) : "");
            item.put("action", i.action());
            item.put("runbook", i.runbook().orElse(""));
            items.add(item);
        }
        model.put("items", items);
        model.put("facts", factLines(m.facts()));
        m.repair().ifPresent(r -> model.put("repair", repair(r)));
        model.put("silence", m.silence().orElse(""));
        model.put("link", link.map(URI::toString).orElse(""));
        model.put("version", version);
        model.put("sender", sender);
        return model;
    }

    private static Map<String, Object> repair(RepairOutcome r) {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("plan", r.plan());
        n.put("result", r.result().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        n.put("elapsed", r.elapsed().toMillis() + " ms");
        n.put("detail", r.detail());
        List<Map<String, Object>> steps = new ArrayList<>();
        for (StepRecord s : r.steps()) {
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("n", String.valueOf(steps.size() + 1));
            step.put("step", s.step());
            step.put("host", s.host());
            step.put("result", s.result());
            step.put("has_exit", !s.command().isEmpty() && s.exitCode() >= 0);
            step.put("exit_code", String.valueOf(s.exitCode()));
            step.put("elapsed", s.elapsed().toMillis() + " ms");
            step.put("detail", s.detail());
            step.put("command", s.command());
            steps.add(step);
        }
        n.put("steps", steps);
        return n;
    }

    /** The facts behind the alert, one line each, as an on-call engineer reads them. */
    static List<Map<String, String>> factLines(VipFacts f) {
        List<Map<String, String>> lines = new ArrayList<>();
        Location loc = f.location();
        List<String> holders = loc.holders().stream().map(h -> h + " (" + loc.holderInterfaces().getOrDefault(h, "?")
                + ", " + loc.holderMacs().getOrDefault(h, "?") + ")").toList();
        line(lines, "holders", holders.isEmpty() ? "none" : String.join(", ", holders));
        if (!loc.complete()) {
            line(lines, "unknown", "hosts not reached: " + String.join(", ", loc.unreachable()));
        }
        line(lines, "expected holder", f.expectedHolder().orElse("(none: policy " + f.vip().policy().label() + ")"));
        f.handover().ifPresent(h -> line(lines, "last handover", "to " + h.host() + " at " + h.at() + " by " + h.by()));
        if (!loc.linkDown().isEmpty()) {
            line(lines, "link down", String.join(", ", loc.linkDown()));
        }
        f.arp().forEach(v -> line(lines, "ARP entry seen from " + v.vantage(), observed(v.entry(), e ->
                e.mac().isEmpty() ? "none (" + e.state() + ")" : e.mac() + " " + e.state())));
        line(lines, "L2 replies (MACs)", observed(f.l2Macs(), macs -> macs.isEmpty() ? "none" : String.join(", ", macs)));
        line(lines, "ping", observed(f.ping(), NotificationFactory::ping));
        line(lines, "SQL through the VIP", observed(f.sql(), NotificationFactory::sql));
        return lines;
    }

    private static String ping(PingReply p) {
        return p.ok() ? "answered in " + round(p.rttMs()) + " ms" : "no answer" + (p.detail().isEmpty() ? "" : " ("
                + p.detail() + ")");
    }

    private static String sql(SqlReply s) {
        if (!s.ok()) {
            return "failed" + (s.timedOut() ? " (timed out)" : "") + ": " + s.error();
        }
        return "SELECT 1 answered by " + (s.server().isEmpty() ? "an unknown server" : s.server())
                + (s.identity().isEmpty() ? "" : " (" + s.identity() + ")") + " in " + round(s.latencyMs()) + " ms";
    }

    private static <T> String observed(Observed<T> o, Function<T, String> ok) {
        return o.known() ? ok.apply(o.value()) : "unknown (" + o.status().name().toLowerCase(Locale.ROOT)
                + (o.detail().isEmpty() ? "" : ": " + o.detail()) + ")";
    }

    private static void line(List<Map<String, String>> lines, String label, String value) {
        lines.add(Map.of("label", label, "value", value));
    }

    // ---- webhook bodies ----

    /** vipwatch's own webhook document (version 1; fields in README.md, "Alerts"). */
    private String generic(AlertMessage m, String id, String text) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", 1);
        root.put("id", id);
        root.put("source", "vipwatch");
        root.put("status", m.firing() ? "firing" : "resolved");
        root.put("cluster", m.cluster());
        root.put("vip", m.vip());
        root.put("vip_address", m.vipAddress());
        root.put("created_at", m.at().toString());
        ArrayNode alerts = root.putArray("alerts");
        for (AlertMessage.Item i : m.items()) {
            ObjectNode a = alerts.addObject();
            a.put("kind", i.event().kind().name().toLowerCase(Locale.ROOT));
            a.put("rule", i.event().rule());
            a.put("severity", i.severity().label());
            a.put("summary", i.summary());
            i.hosts().forEach(a.putArray("hosts")::add);
            a.put("since", i.event().since().toString());
            a.put("resolved_at", i.event().resolved() ? i.event().at().toString() : null);
            a.put("action", i.action());
            a.put("runbook", i.runbook().orElse(null));
        }
        root.set("facts", JsonReport.vip(new CheckedVip(m.facts(), m.evaluation())));
        if (m.repair().isPresent()) {
            RepairOutcome r = m.repair().get();
            ObjectNode rep = root.putObject("repair");
            rep.put("plan", r.plan());
            rep.put("result", r.result().name().toLowerCase(Locale.ROOT));
            rep.put("detail", r.detail());
            rep.put("elapsed_ms", r.elapsed().toMillis());
            rep.put("finished_at", r.finishedAt().toString());
            ArrayNode steps = rep.putArray("steps");
            r.steps().forEach(s -> steps.addObject().put("step", s.step()).put("host", s.host())
                    .put("command", s.command()).put("exit_code", s.exitCode()).put("result", s.result())
                    .put("detail", s.detail()).put("elapsed_ms", s.elapsed().toMillis()));
        } else {
            root.putNull("repair");
        }
        root.put("silence", m.silence().orElse(null));
        root.put("link", link.map(URI::toString).orElse(null));
        root.put("text", text);
        return write(root);
    }

    /**
     * Alertmanager's {@code POST /api/v2/alerts} body: one alert per rule, labelled so Alertmanager's own routing,
     * grouping and silences work on cluster, VIP and severity.
     */
    private String alertmanager(AlertMessage m) {
        ArrayNode list = JSON.createArrayNode();
        Duration repeat = repeatOf.apply(m.channel());
        for (AlertMessage.Item i : m.items()) {
            ObjectNode a = list.addObject();
            a.putObject("labels")
                    .put("alertname", i.event().rule())
                    .put("cluster", m.cluster())
                    .put("vip", m.vip())
                    .put("severity", i.severity().label())
                    .put("source", "vipwatch");
            ObjectNode ann = a.putObject("annotations");
            ann.put("summary", i.summary() + " (" + m.cluster() + "/" + m.vip() + " " + m.vipAddress() + ")");
            ann.put("description", "vipwatch: " + i.action()
                    + (i.hosts().isEmpty() ? "" : "; hosts: " + String.join(", ", i.hosts())));
            ann.put("vip_address", m.vipAddress());
            i.runbook().ifPresent(r -> ann.put("runbook", r));
            a.put("startsAt", i.event().since().toString());
            // A firing alert must be re-sent before endsAt, or Alertmanager resolves it: if vipwatch dies, it does.
            Instant ends = i.event().resolved() ? i.event().at() : i.event().at().plus(repeat.multipliedBy(4));
            a.put("endsAt", ends.toString());
            link.ifPresent(l -> a.put("generatorURL", l.toString()));
        }
        return write(list);
    }

    private static String write(Object node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of plain nodes always serializes", e);
        }
    }

    private static String time(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString().replace('T', ' ').replace("Z", " UTC");
    }

    private static String round(double ms) {
        return String.format(Locale.ROOT, "%.2f", ms);
    }
}
