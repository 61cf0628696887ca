package io.vipwatch.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vipwatch.config.AlertChannel;
import io.vipwatch.config.Origin;
import io.vipwatch.testing.LoopbackServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Alertmanager (Debian's {@code prometheus-alertmanager}) on loopback receives {@code format: alertmanager}
 * notifications and shows them through its own API: active once fired, gone from the active alerts once resolved.
 */
class AlertmanagerIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    LoopbackServer alertmanager;
    URI base;

    @BeforeEach
    void startAlertmanager() throws Exception {
        alertmanager = LoopbackServer.alertmanager(dir, """
                route:
                  receiver: "null"
                receivers:
                  - name: "null"
                """);
        base = URI.create(alertmanager.url());
    }

    @AfterEach
    void stopAlertmanager() throws InterruptedException {
        if (alertmanager != null) {
            alertmanager.close();
        }
    }

    @Test
    void firingThenResolvedThroughTheWebhookSender() throws Exception {
        WebhookSender sender = new WebhookSender(new AlertChannel.Webhook("am", new Origin(Path.of("channels.yml"), 1),
                Optional.of(Duration.ofMinutes(1)), URI.create(base + "/"), AlertChannel.Format.ALERTMANAGER, Map.of(),
                Duration.ofSeconds(5), Optional.empty()));
        Instant startsAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(10);

        sender.send(notification("fire-1", startsAt, Optional.empty()));
        JsonNode active = await("the alert is active").atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> ourAlert("/api/v2/alerts?active=true"),
                        a -> a.isPresent() && a.get().path("status").path("state").asText().equals("active"))
                .orElseThrow();
        assertThat(active.path("labels").path("cluster").asText()).isEqualTo("lab");
        assertThat(active.path("labels").path("vip").asText()).isEqualTo("rw");
        assertThat(active.path("labels").path("severity").asText()).isEqualTo("critical");
        assertThat(active.path("annotations").path("summary").asText()).isEqualTo("VIP lab/rw is on no host");
        assertThat(Instant.parse(active.path("startsAt").asText())).isEqualTo(startsAt);
        assertThat(active.path("generatorURL").asText()).isEqualTo("http://vipwatch.example.com:9107/");

        sender.send(notification("resolve-1", startsAt, Optional.of(Instant.now())));
        await("the alert is no longer active").atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> ourAlert("/api/v2/alerts?active=true").isEmpty());
    }

    /** What NotificationFactory renders for {@code format: alertmanager}: a list of one alert. */
    private static Notification notification(String id, Instant startsAt, Optional<Instant> endsAt) {
        ObjectNode alert = JSON.createObjectNode();
        alert.putObject("labels").put("alertname", "vip-missing").put("cluster", "lab").put("vip", "rw")
                .put("severity", "critical");
        alert.putObject("annotations").put("summary", "VIP lab/rw is on no host");
        alert.put("startsAt", startsAt.toString());
        endsAt.ifPresent(e -> alert.put("endsAt", e.toString()));
        alert.put("generatorURL", "http://vipwatch.example.com:9107/");
        ArrayNode body = JSON.createArrayNode().add(alert);
        return new Notification(id, "am", Instant.now(), "vip-missing lab/rw", "text", Optional.empty(),
                body.toString());
    }

    private Optional<JsonNode> ourAlert(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = alertmanager.get(path);
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        List<JsonNode> alerts = StreamSupport.stream(JSON.readTree(response.body()).spliterator(), false)
                .filter(a -> a.path("labels").path("alertname").asText().equals("vip-missing"))
                .toList();
        assertThat(alerts).as("one alert per identity").hasSizeLessThanOrEqualTo(1);
        return alerts.stream().findFirst();
    }
}
