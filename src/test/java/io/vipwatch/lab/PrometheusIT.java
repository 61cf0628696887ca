package io.vipwatch.lab;

import static io.vipwatch.lab.Lab.RW;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vipwatch.metrics.Dashboard;
import io.vipwatch.testing.HookReceiver;
import io.vipwatch.testing.LoopbackServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * vipwatch as Prometheus sees it: the real Prometheus scrapes a running service in the lab (and loads the shipped
 * alerting rules) while a VIP is deleted and repaired; then promtool lints a live scrape, and every query of the
 * Grafana dashboard, with its variables filled in, returns data through Prometheus' HTTP API.
 */
class PrometheusIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final int PORT = 9177;
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final Path REPO = Lab.HOME.getParent();

    @Test
    void prometheusScrapesVipwatchThroughAFaultAndEveryDashboardQueryReturnsData() throws Exception {
        Lab.heal();
        Path state = Lab.DIR.resolve("promit-state");
        Files.createDirectories(state);
        try (HookReceiver hooks = new HookReceiver()) {
            Files.writeString(Lab.DIR.resolve("promit-channels.yml"), """
                    defaults: { channels: [hook] }
                    channels:
                      hook: { type: webhook, url: "%s" }
                    """.formatted(hooks.url("/hook")));
            try (Service service = Service.start("promit", PORT, Map.of("probes:\n", "alerts:\n  channels: "
                    + "promit-channels.yml\nstate_dir: " + state + "\nprobes:\n"));
                 LoopbackServer prometheus = LoopbackServer.prometheus(Lab.DIR.resolve("promit-prometheus"), """
                         global: { scrape_interval: 1s, evaluation_interval: 1s }
                         rule_files: [ '%s' ]
                         scrape_configs:
                           - job_name: vipwatch
                             static_configs: [ { targets: ['127.0.0.1:%d'] } ]
                         """.formatted(REPO.resolve("alerts/prometheus-rules.yml"), PORT))) {
                String scrape = get(URI.create("http://127.0.0.1:" + PORT + "/metrics")).body();
                assertThat(scrape).contains("vipwatch_vip_holder{cluster=\"lab\",host=\"db1\",vip=\"rw\"} 1");
                Lab.Run lint = Lab.run(List.of("sh", "-c", "promtool check metrics < \"$0\"",
                        write("promit-scrape.txt", scrape).toString()), Duration.ofSeconds(30));
                assertThat(lint.exit()).as(lint.stdout() + lint.stderr()).isZero();
                assertThat(lint.stdout() + lint.stderr()).as("promtool lint findings").isBlank();

                Lab.fault("vip-del", "db1", RW);
                service.await("rw repaired", DEADLINE, s -> Lab.holds("db1", RW)
                        && Lab.vip(s.status(), "rw").path("last_repair").path("result").asText().equals("succeeded"));
                service.await("firing and resolved delivered", DEADLINE, s -> hooks.accepted("/hook").size() >= 2);
                awaitQuery(prometheus, "vipwatch_repairs_total{vip=\"rw\",result=\"succeeded\"} > 0");
                awaitQuery(prometheus, "vipwatch_alert_notifications_total{result=\"delivered\"} >= 2");
                awaitQuery(prometheus, "vipwatch_problem_active{vip=\"rw\",problem=\"vip-missing\"} == 0");

                Dashboard dashboard = Dashboard.load(REPO.resolve("grafana/dashboards/vipwatch.json"));
                List<String> queries = dashboard.queries(Map.of("cluster", "lab", "vip", "rw"));
                assertThat(queries).hasSizeGreaterThan(10);
                // rate() and increase() need two scrapes of a series inside their range: the repair is over in
                // about a second now, so wait (bounded) for the samples rather than asking once.
                List<String> empty = new ArrayList<>();
                long deadline = System.nanoTime() + DEADLINE.toNanos();
                do {
                    empty.clear();
                    for (String q : queries) {
                        JsonNode answer = query(prometheus, q);
                        if (!answer.path("status").asText().equals("success")
                                || answer.path("data").path("result").isEmpty()) {
                            empty.add(q + " -> " + answer);
                        }
                    }
                } while (!empty.isEmpty() && System.nanoTime() < deadline && pause());
                assertThat(empty).as("dashboard queries without data").isEmpty();

                JsonNode rules = JSON.readTree(prometheus.get("/api/v1/rules").body());
                assertThat(rules.toString()).as("the shipped alerting rules load into Prometheus")
                        .contains("VipwatchVipMissing").doesNotContain("\"health\":\"err\"");
            }
        }
    }

    private static Path write(String name, String text) throws Exception {
        return Files.writeString(Lab.DIR.resolve(name), text);
    }

    /** Sleeps between polls of a condition that has its own deadline; always true. */
    private static boolean pause() throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(500);
        return true;
    }

    private static void awaitQuery(LoopbackServer prometheus, String q) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = query(prometheus, q);
            if (!last.path("data").path("result").isEmpty()) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(250); // polling interval of a condition with a deadline
        }
        throw new AssertionError("no data within " + DEADLINE + " for " + q + ": " + last + "\n"
                + prometheus.logText());
    }

    private static JsonNode query(LoopbackServer prometheus, String q) throws Exception {
        return JSON.readTree(prometheus.get("/api/v1/query?query=" + URLEncoder.encode(q, StandardCharsets.UTF_8))
                .body());
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
