package io.vipwatch.service;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.vipwatch.alert.DeliveryStats;
import io.vipwatch.config.WebConfig;
import io.vipwatch.metrics.Metrics;
import io.vipwatch.repair.RepairOutcome;
import io.vipwatch.repair.StepRecord;
import io.vipwatch.report.CheckedVip;
import io.vipwatch.report.JsonReport;
import io.vipwatch.rule.RuleTracker;
import io.vipwatch.silence.ActiveSilence;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The status API: {@code GET /api/status} (every VIP's latest facts, active problems with since-when, rule states,
 * last repair), {@code GET /metrics} (Prometheus) and {@code GET /healthz}. Read-only; binds to {@code listen:} (loopback by default).
 */
public final class StatusServer implements AutoCloseable {
    static {
        // The JDK server waits for a slow or silent client forever by default, and the status API has two threads.
        // These limits (seconds) are read once, when the first server is made; an operator's own -D wins.
        limit("sun.net.httpserver.maxReqTime", "10");
        limit("sun.net.httpserver.maxRspTime", "10");
    }

    private static void limit(String property, String seconds) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, seconds);
        }
    }

    /** The Prometheus text exposition format, version 0.0.4. */
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final Supplier<Watchdog> watchdog;
    private final Supplier<ObjectNode> serviceInfo;

    /**
     * @param web TLS (an HTTPS server instead of HTTP) and basic-auth users, which then guard every path
     */
    public StatusServer(InetSocketAddress address, Supplier<Watchdog> watchdog, Supplier<ObjectNode> serviceInfo,
                        Metrics metrics, WebConfig web) throws IOException {
        this.watchdog = watchdog;
        this.serviceInfo = serviceInfo;
        if (web.tls().isPresent()) {
            HttpsServer https = HttpsServer.create(address, 16);
            https.setHttpsConfigurator(new HttpsConfigurator(web.tls().get()));
            server = https;
        } else {
            server = HttpServer.create(address, 16);
        }
        Authenticator auth = web.users().isEmpty() ? null : new BcryptAuthenticator(web.users());
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "vipwatch-http");
            t.setDaemon(true);
            return t;
        }));
        guard(server.createContext("/api/status", ex -> respond(ex, () -> status().toPrettyString())), auth);
        guard(server.createContext("/metrics", ex -> {
            if (!"GET".equals(ex.getRequestMethod())) {
                send(ex, 405, "{\"error\":\"only GET\"}\n");
                return;
            }
            send(ex, 200, PROMETHEUS_TEXT, metrics.scrape());
        }), auth);
        guard(server.createContext("/healthz", ex -> {
            boolean up = watchdog.get() != null && watchdog.get().running();
            send(ex, up ? 200 : 503, "{\"status\":\"" + (up ? "ok" : "stopped") + "\"}\n");
        }), auth);
    }

    public void start() {
        server.start();
    }

    private static void guard(HttpContext context, Authenticator auth) {
        if (auth != null) {
            context.setAuthenticator(auth);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private ObjectNode status() {
        Watchdog w = watchdog.get();
        ObjectNode root = serviceInfo.get();
        ArrayNode silences = root.putArray("silences");
        w.silences().forEach(x -> silences.add(silence(x)));
        w.silenceFileProblem().ifPresent(p -> root.put("silences_problem", p));
        w.alertDelivery().ifPresentOrElse(d -> root.set("alerts", delivery(d)), () -> root.putNull("alerts"));
        ArrayNode vips = root.putArray("vips");
        for (VipStatus s : w.status()) {
            ObjectNode n = JsonReport.vip(new CheckedVip(s.facts(), s.evaluation()));
            ArrayNode active = n.putArray("active_problems");
            s.problems().forEach((name, since) -> active.addObject().put("name", name).put("since", since.toString()));
            ArrayNode rules = n.putArray("rules");
            for (RuleTracker.RuleStatus r : s.rules()) {
                rules.addObject().put("rule", r.rule()).put("firing", r.firing())
                        .put("since", r.since() == null ? null : r.since().toString())
                        .put("true_streak", r.trueStreak()).put("false_streak", r.falseStreak())
                        .put("attempts_in_window", r.attemptsInWindow())
                        .put("last_attempt", r.lastAttempt().map(Object::toString).orElse(null))
                        .put("exhausted", r.exhausted());
            }
            s.lastRepair().ifPresentOrElse(o -> n.set("last_repair", repair(o)), () -> n.putNull("last_repair"));
            ArrayNode events = n.putArray("events");
            s.events().forEach(e -> events.addObject().put("rule", e.rule()).put("fired", e.fired())
                    .put("at", e.at().toString()));
            n.put("cycles", s.cycles());
            n.put("repair_in_flight", s.repairing());
            s.silence().ifPresentOrElse(x -> n.set("silence", silence(x)), () -> n.putNull("silence"));
            vips.add(n);
        }
        return root;
    }

    private static ObjectNode silence(ActiveSilence s) {
        ObjectNode n = JsonReport.MAPPER.createObjectNode();
        return n.put("kind", s.kind().name().toLowerCase(java.util.Locale.ROOT)).put("id", s.id())
                .put("scope", s.scope()).put("reason", s.reason()).put("by", s.by())
                .put("since", s.since().toString()).put("until", s.until().toString());
    }

    /** Alert delivery: per channel what went out, what waits, what was given up on (with why). */
    private static ObjectNode delivery(DeliveryStats d) {
        ObjectNode n = JsonReport.MAPPER.createObjectNode();
        n.put("pending", d.pending());
        ObjectNode channels = n.putObject("channels");
        d.channels().forEach((name, c) -> channels.putObject(name)
                .put("delivered", c.delivered()).put("failed", c.failed()).put("attempts", c.attempts())
                .put("retries", c.retries()).put("pending", c.pending())
                .put("last_error", c.lastError().orElse(null))
                .put("last_success", c.lastSuccess().map(Object::toString).orElse(null))
                .put("last_failure", c.lastFailure().map(Object::toString).orElse(null))
                .put("next_attempt", c.nextAttempt().map(Object::toString).orElse(null)));
        ArrayNode failed = n.putArray("recent_failures");
        d.recentFailures().forEach(f -> failed.addObject().put("id", f.id()).put("channel", f.channel())
                .put("subject", f.subject()).put("reason", f.reason()).put("failed_at", f.failedAt().toString()));
        return n;
    }

    private static ObjectNode repair(RepairOutcome o) {
        ObjectNode n = JsonReport.MAPPER.createObjectNode();
        n.put("plan", o.plan()).put("result", o.result().name().toLowerCase(java.util.Locale.ROOT))
                .put("detail", o.detail()).put("elapsed_ms", o.elapsed().toMillis())
                .put("finished_at", o.finishedAt().toString());
        ArrayNode steps = n.putArray("steps");
        for (StepRecord s : o.steps()) {
            steps.addObject().put("step", s.step()).put("host", s.host()).put("command", s.command())
                    .put("exit_code", s.exitCode()).put("result", s.result()).put("detail", s.detail())
                    .put("elapsed_ms", s.elapsed().toMillis());
        }
        return n;
    }

    private static void respond(HttpExchange ex, Supplier<String> body) throws IOException {
        if (!"GET".equals(ex.getRequestMethod())) {
            send(ex, 405, "{\"error\":\"only GET\"}\n");
            return;
        }
        send(ex, 200, body.get());
    }

    private static void send(HttpExchange ex, int code, String body) throws IOException {
        send(ex, code, "application/json", body);
    }

    private static void send(HttpExchange ex, int code, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
