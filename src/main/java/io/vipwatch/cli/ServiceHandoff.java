package io.vipwatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vipwatch.config.Config;
import io.vipwatch.repair.Handover;
import io.vipwatch.repair.HandoverRequest;
import io.vipwatch.report.JsonReport;
import io.vipwatch.service.ControlToken;
import io.vipwatch.service.StatusServer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Hands a {@code vipwatch mha} request to the running {@code vipwatch run} of the same config: its SSH sessions are
 * open and its JVM is warm, where this process would log in to every host first; and the service then keeps its
 * watch in step with the move (see {@code Watchdog.handover}). Used only when the service's control token can be
 * read and its status API is plain HTTP; any answer but a done request means "do it here".
 */
final class ServiceHandoff {
    /** A service on this host answers a connect within milliseconds; none listening is refused at once. */
    private static final Duration CONNECT = Duration.ofMillis(300);

    private ServiceHandoff() {
    }

    /** The service's outcome, or empty when the work is to be done here (why is told to {@code say}). */
    static Optional<Handover.Outcome> tryService(Config cfg, HandoverRequest request, Consumer<String> say) {
        Optional<String> token = ControlToken.read(cfg.stateDir());
        if (token.isEmpty() || cfg.service().web().tls().isPresent()) {
            return Optional.empty(); // no service, or not one this process may or can talk to without more setup
        }
        String host = cfg.service().listenAddress().isAnyLocalAddress() ? "127.0.0.1"
                : cfg.service().listenAddress().getHostAddress();
        URI uri = URI.create("http://" + host + ":" + cfg.service().listenPort() + "/api/mha");
        long budgetMs = Math.min(request.budget().toMillis(), StatusServer.MAX_HANDOVER_MS);
        ObjectNode body = JsonReport.MAPPER.createObjectNode().put("command", request.command())
                .put("planned", request.planned()).put("budget_ms", budgetMs).put("dry_run", request.dryRun());
        request.oldMaster().forEach(body.putArray("old_master")::add);
        request.newMaster().forEach(body.putArray("new_master")::add);
        request.vips().forEach(body.putArray("vips")::add);
        HttpClient client = HttpClient.newBuilder().connectTimeout(CONNECT).build();
        HttpRequest post = HttpRequest.newBuilder(uri).timeout(Duration.ofMillis(budgetMs + 1000))
                .header("Content-Type", "application/json").header(ControlToken.HEADER, token.get())
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        HttpResponse<String> response;
        try {
            response = client.send(post, HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException | ConnectException e) {
            say.accept("no running service answered at " + uri + ": doing it here");
            return Optional.empty();
        } catch (HttpTimeoutException e) {
            // The service may have done part of it: doing it again here could not be bounded by the same budget.
            say.accept("WARNING: the running service did not answer within " + (budgetMs + 1000) + "ms");
            return Optional.of(new Handover.Outcome(request.onTimeout(), List.of()));
        } catch (IOException e) {
            say.accept("the running service at " + uri + " could not be asked (" + e.getMessage() + "): doing it here");
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        try {
            JsonNode answer = JsonReport.MAPPER.readTree(response.body());
            if (response.statusCode() != 200) {
                say.accept("the running service at " + uri + " declined (HTTP " + response.statusCode() + ": "
                        + answer.path("error").asText("") + "): doing it here");
                return Optional.empty();
            }
            say.accept("done by the running service at " + uri + ":");
            List<String> lines = new ArrayList<>();
            answer.path("lines").forEach(l -> lines.add(l.asText()));
            Handover.Verdict verdict = Handover.Verdict.valueOf(answer.path("verdict").asText("abort")
                    .toUpperCase(Locale.ROOT));
            return Optional.of(new Handover.Outcome(verdict, lines));
        } catch (IOException | IllegalArgumentException e) {
            say.accept("the running service at " + uri + " gave an answer this vipwatch cannot read: doing it here");
            return Optional.empty();
        }
    }
}
