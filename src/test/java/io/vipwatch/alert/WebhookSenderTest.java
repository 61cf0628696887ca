package io.vipwatch.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.vipwatch.config.AlertChannel;
import io.vipwatch.config.AlertChannels;
import io.vipwatch.config.ChannelsLoader;
import io.vipwatch.config.Origin;
import io.vipwatch.config.Secret;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a real HTTP server (the JDK's) on loopback. */
class WebhookSenderTest {
    static final String TOKEN = "Bearer t0ken-from-a-file";
    static final String JSON = "{\"status\":\"firing\",\"vip\":\"lab/rw\",\"text\":\"Größe ✓\"}";

    /** What the server saw of one request. */
    record Received(String method, String path, Map<String, List<String>> headers, String body) {
        String header(String name) {
            List<String> values = headers.get(name);
            return values == null ? null : String.join(",", values);
        }
    }

    @TempDir
    Path dir;
    final List<Received> received = new CopyOnWriteArrayList<>();
    final List<HttpServer> servers = new ArrayList<>();
    final ExecutorService handlers = Executors.newCachedThreadPool();
    final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        servers.forEach(s -> s.stop(0));
        handlers.shutdownNow();
    }

    /** A server answering every path with {@code status} (and {@code body}), recording each request. */
    private URI serve(HttpServer server, IntSupplier status, String body) {
        server.createContext("/", exchange -> {
            try (exchange) {
                received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                        Map.copyOf(exchange.getRequestHeaders()), new String(exchange.getRequestBody().readAllBytes(),
                        StandardCharsets.UTF_8)));
                respond(exchange, status.getAsInt(), body);
            }
        });
        server.setExecutor(handlers);
        server.start();
        servers.add(server);
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort());
    }

    private URI serve(IntSupplier status, String body) throws IOException {
        return serve(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0), status, body);
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (status == 302) {
            exchange.getResponseHeaders().add("Location", "/elsewhere");
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    static AlertChannel.Webhook webhook(URI url, AlertChannel.Format format, Duration timeout, Optional<Path> ca) {
        return new AlertChannel.Webhook("ops-hook", new Origin(Path.of("channels.yml"), 1), Optional.empty(), url,
                format, Map.of("Authorization", new Secret(TOKEN, "test")), timeout, ca);
    }

    static Notification notification(String id) {
        return new Notification(id, "ops-hook", Instant.now(), "subject", "text", Optional.empty(), JSON);
    }

    @Test
    void postsTheJsonWithTheIdAndTheConfiguredHeadersReadFromFiles() throws Exception {
        URI base = serve(() -> 202, "");
        Files.writeString(dir.resolve("hook.token"), TOKEN + "\n");
        Files.writeString(dir.resolve("channels.yml"), """
                channels:
                  ops-hook:
                    type: webhook
                    url: %s/hooks/vipwatch?team=dba
                    headers:
                      X-Team: dba
                      Authorization: { file: hook.token }
                """.formatted(base));
        AlertChannels channels = new ChannelsLoader(Map.of()).load(dir.resolve("channels.yml"));
        Sender sender = Sender.forChannel(channels.channels().get("ops-hook"));
        assertThat(sender).isInstanceOf(WebhookSender.class);

        sender.send(notification("n-7"));

        assertThat(received).hasSize(1);
        Received r = received.get(0);
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/hooks/vipwatch?team=dba");
        assertThat(r.header("Content-type")).isEqualTo("application/json");
        assertThat(r.header("X-vipwatch-notification-id")).isEqualTo("n-7");
        assertThat(r.header("X-team")).isEqualTo("dba");
        assertThat(r.header("Authorization")).isEqualTo(TOKEN);
        assertThat(r.body()).isEqualTo(JSON);
    }

    @Test
    void anythingButTwoHundredsIsAFailureWithStatusAndTheStartOfTheBody() throws IOException {
        String page = "Internal error, request had Authorization: " + TOKEN + " " + "x".repeat(5000);
        URI base = serve(() -> 500, page);
        WebhookSender sender = new WebhookSender(webhook(base.resolve("/secret-path-t0ken"),
                AlertChannel.Format.GENERIC, Duration.ofSeconds(2), Optional.empty()));
        assertThatThrownBy(() -> sender.send(notification("n-1")))
                .isInstanceOf(DeliveryException.class)
                .hasMessageStartingWith("webhook channel ops-hook (" + base + "): HTTP 500: Internal error, request "
                        + "had Authorization: *** xxx")
                .hasMessageNotContaining(TOKEN)
                .hasMessageNotContaining("secret-path")
                .message().hasSizeLessThan(300);
    }

    @Test
    void redirectsAreNotFollowed() throws IOException {
        URI base = serve(() -> 302, "");
        WebhookSender sender = new WebhookSender(webhook(base, AlertChannel.Format.GENERIC, Duration.ofSeconds(2),
                Optional.empty()));
        assertThatThrownBy(() -> sender.send(notification("n-1")))
                .isInstanceOf(DeliveryException.class)
                .hasMessageEndingWith("HTTP 302");
        assertThat(received).hasSize(1);
    }

    @Test
    void aServerThatNeverAnswersIsGivenUpOnAfterTheTimeout() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.setExecutor(handlers);
        server.start();
        servers.add(server);
        URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        WebhookSender sender = new WebhookSender(webhook(url, AlertChannel.Format.GENERIC, Duration.ofMillis(500),
                Optional.empty()));
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> sender.send(notification("n-1")))
                .isInstanceOf(DeliveryException.class)
                .hasMessageContaining("no response within 500 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(450), Duration.ofSeconds(3));
    }

    @Test
    void aRefusedConnectionFailsAtOnce() throws IOException {
        int port = Loopback.freePort();
        WebhookSender sender = new WebhookSender(webhook(URI.create("http://127.0.0.1:" + port + "/x"),
                AlertChannel.Format.GENERIC, Duration.ofSeconds(5), Optional.empty()));
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> sender.send(notification("n-1")))
                .isInstanceOf(DeliveryException.class)
                .hasMessageStartingWith("webhook channel ops-hook (http://127.0.0.1:" + port + "): ")
                .hasMessageContaining("ConnectException");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void alertmanagerChannelsPostToTheApiPathUnderTheBaseUrl() throws Exception {
        URI base = serve(() -> 200, "");
        for (String url : List.of(base.toString(), base + "/", base + "/am", base + "/am/", base + "/am//")) {
            new WebhookSender(webhook(URI.create(url), AlertChannel.Format.ALERTMANAGER, Duration.ofSeconds(2),
                    Optional.empty())).send(notification("n-1"));
        }
        assertThat(received).extracting(Received::path).containsExactly("/api/v2/alerts", "/api/v2/alerts",
                "/am/api/v2/alerts", "/am/api/v2/alerts", "/am/api/v2/alerts");
        assertThat(WebhookSender.withPath(URI.create("https://am.example.com:9093/x/?tenant=a"), "/api/v2/alerts"))
                .isEqualTo(URI.create("https://am.example.com:9093/x/api/v2/alerts?tenant=a"));
    }

    @Test
    void httpsTrustsExactlyTheCaFile() throws Exception {
        TestCerts server = TestCerts.selfSigned("hook", "ip:127.0.0.1");
        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(server.serverContext()));
        URI base = serve(https, () -> 200, "ok, thanks");

        new WebhookSender(webhook(base, AlertChannel.Format.GENERIC, Duration.ofSeconds(5), Optional.of(server.pem())))
                .send(notification("n-tls"));
        assertThat(received).extracting(Received::body).containsExactly(JSON);

        TestCerts other = TestCerts.selfSigned("other", "ip:127.0.0.1");
        for (Optional<Path> ca : List.of(Optional.of(other.pem()), Optional.<Path>empty())) {
            WebhookSender untrusting = new WebhookSender(webhook(base, AlertChannel.Format.GENERIC,
                    Duration.ofSeconds(5), ca));
            assertThatThrownBy(() -> untrusting.send(notification("n-2")))
                    .isInstanceOf(DeliveryException.class)
                    .hasMessageContaining("PKIX path building failed");
        }
        assertThat(received).hasSize(1);
    }

    @Test
    void fiveHundredThenTwoHundredIsDeliveredByTheDispatcher() throws IOException {
        List<Integer> answers = new CopyOnWriteArrayList<>(List.of(500, 503, 200));
        URI base = serve(() -> answers.size() > 1 ? answers.remove(0) : answers.get(0), "try later");
        Outbox outbox = new Outbox(dir, Clock.systemUTC());
        Notification n = notification("n-retry");
        outbox.enqueue(n);
        AlertChannels.Delivery fast = new AlertChannels.Delivery(Duration.ofMillis(100), Duration.ofMillis(200),
                Duration.ofHours(1));
        try (Dispatcher dispatcher = new Dispatcher(outbox, Map.of("ops-hook", new WebhookSender(webhook(base,
                AlertChannel.Format.GENERIC, Duration.ofSeconds(2), Optional.empty()))), fast, Clock.systemUTC(),
                new SplittableRandom(3))) {
            dispatcher.start();
            await().atMost(Duration.ofSeconds(5)).until(() -> dispatcher.stats().channels().get("ops-hook")
                    .delivered() == 1);
            DeliveryStats.ChannelStats stats = dispatcher.stats().channels().get("ops-hook");
            assertThat(stats.attempts()).isEqualTo(3);
            assertThat(stats.retries()).isEqualTo(2);
            assertThat(stats.lastError()).hasValueSatisfying(e -> assertThat(e).endsWith("HTTP 503: try later"));
            assertThat(outbox.pending()).isEmpty();
        }
        assertThat(received).extracting(r -> r.header("X-vipwatch-notification-id")).containsOnly("n-retry")
                .hasSize(3);
        assertThat(received).extracting(Received::body).containsOnly(JSON);
    }
}
