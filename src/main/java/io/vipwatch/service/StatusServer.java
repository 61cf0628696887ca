package io.vipwatch.service;

import com.fasterxml.jackson.databind.JsonNode;
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
import io.vipwatch.repair.Handover;
import io.vipwatch.repair.HandoverRequest;
import io.vipwatch.repair.RepairOutcome;
import io.vipwatch.repair.StepRecord;
import io.vipwatch.report.CheckedVip;
import io.vipwatch.report.JsonReport;
import io.vipwatch.rule.RuleTracker;
import io.vipwatch.silence.ActiveSilence;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The status API: {@code GET /api/status} (every VIP's latest facts, active problems with since-when, rule states,
 * last repair), {@code GET /metrics} (Prometheus) and {@code GET /healthz}, all read-only; binds to {@code listen:}
 * (loopback by default). With a control token, also {@code POST /api/mha} (see {@link #handover}).
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
        this(address, watchdog, serviceInfo, metrics, web, Optional.empty());
    }

    /**
     * @param control with it, {@code POST /api/mha} runs a failover manager's request here (see
     *                {@link Watchdog#handover}); only a caller presenting the token may
     */
    public StatusServer(InetSocketAddress address, Supplier<Watchdog> watchdog, Supplier<ObjectNode> serviceInfo,
                        Metrics metrics, WebConfig web, Optional<ControlToken> control) throws IOException {
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
        control.ifPresent(token -> server.createContext("/api/mha", ex -> handover(ex, token)));
        guard(server.createContext("/healthz", ex -> {
            boolean up = watchdog.get() != null && watchdog.get().running();
            send(ex, up ? 200 : 503, "{\"status\":\"" + (up ? "ok" : "stopped") + "\"}\n");
        }), auth);
    }

    public void start() {
        server.start();
    }

    /**
     * {@code POST /api/mha}: a JSON {@link HandoverRequest} ({@code command}, {@code old_master} and
     * {@code new_master} as lists of addresses or names, {@code planned}, {@code vips}, {@code budget_ms},
     * {@code dry_run}); answers {@code exit_code}, {@code verdict} and {@code lines} (with {@code ?format=text}: the
     * lines as text, the exit code in {@link #EXIT_HEADER}). Not behind basic auth: the
     * control token, readable only where the service's state is, is the credential.
     */
    private void handover(HttpExchange ex, ControlToken token) throws IOException {
        if (!"POST".equals(ex.getRequestMethod())) {
            send(ex, 405, "{\"error\":\"only POST\"}\n");
            return;
        }
        if (!token.accepts(ex.getRequestHeaders().getFirst(ControlToken.HEADER))) {
            send(ex, 403, "{\"error\":\"the control token (state_dir/" + ControlToken.FILE_NAME + ") is missing or "
                    + "wrong\"}\n");
            return;
        }
        HandoverRequest request;
        try (InputStream in = ex.getRequestBody()) {
            JsonNode j = JsonReport.MAPPER.readTree(in.readNBytes(64 * 1024));
            request = new HandoverRequest(j.path("command").asText(""), strings(j.path("old_master")),
                    strings(j.path("new_master")), j.path("planned").asBoolean(false), strings(j.path("vips")),
                    Duration.ofMillis(Math.max(1, Math.min(MAX_HANDOVER_MS, j.path("budget_ms").asLong(0)))),
                    j.path("dry_run").asBoolean(false));
        } catch (IOException e) {
            send(ex, 400, JsonReport.MAPPER.createObjectNode().put("error", "not JSON: " + e.getMessage()).toString());
            return;
        }
        Watchdog w = watchdog.get();
        ObjectNode answer = JsonReport.MAPPER.createObjectNode();
        try {
            Handover.Outcome o = w.handover(request);
            ex.getResponseHeaders().set(EXIT_HEADER, Integer.toString(o.verdict().exitCode));
            if ("format=text".equals(ex.getRequestURI().getQuery())) {
                // For the launcher's shell path (no JSON parser there): one line per line, the exit in a header.
                send(ex, 200, "text/plain; charset=utf-8", String.join("\n", o.lines()) + "\n");
                return;
            }
            answer.put("exit_code", o.verdict().exitCode).put("verdict", o.verdict().name().toLowerCase(
                    java.util.Locale.ROOT));
            ArrayNode lines = answer.putArray("lines");
            o.lines().forEach(lines::add);
            send(ex, 200, answer.toString());
        } catch (IllegalArgumentException e) {
            send(ex, 400, answer.put("error", e.getMessage()).toString());
        }
    }

    /** The handover's exit code for MHA, on every answer to {@code POST /api/mha}. */
    public static final String EXIT_HEADER = "X-Vipwatch-Exit";

    /** A handover must finish within the HTTP server's own response limit (maxRspTime, 10 s). */
    public static final long MAX_HANDOVER_MS = 8_000;

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
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
