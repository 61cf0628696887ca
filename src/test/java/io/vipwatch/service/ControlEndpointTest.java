package io.vipwatch.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.vipwatch.config.WebConfig;
import io.vipwatch.metrics.Metrics;
import io.vipwatch.report.JsonReport;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control token and {@code POST /api/mha}'s gate: who may hand work to the service. What a handover does is
 * tested with the real MHA in the lab (MhaIT).
 */
class ControlEndpointTest {
    @TempDir
    Path dir;

    @Test
    void theTokenIsReadableByItsOwnerOnlyAndNewAtEveryStart() throws Exception {
        ControlToken first = ControlToken.create(dir);
        String written = ControlToken.read(dir).orElseThrow();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(ControlToken.FILE_NAME))))
                .isEqualTo("rw-------");
        assertThat(written).matches("[0-9a-f]{64}");
        assertThat(first.accepts(written)).isTrue();
        assertThat(first.accepts(written.substring(1))).isFalse();
        assertThat(first.accepts(null)).isFalse();
        ControlToken second = ControlToken.create(dir);
        assertThat(ControlToken.read(dir)).get().isNotEqualTo(written);
        assertThat(second.accepts(written)).as("the old token no longer works").isFalse();
        assertThat(ControlToken.read(dir.resolve("nowhere"))).isEmpty();
    }

    @Test
    void onlyAPostWithTheTokenAndAReadableBodyGetsThrough() throws Exception {
        ControlToken token = ControlToken.create(dir);
        String secret = ControlToken.read(dir).orElseThrow();
        try (StatusServer server = new StatusServer(new InetSocketAddress("127.0.0.1", 0), () -> null,
                JsonReport.MAPPER::createObjectNode, new Metrics("test"), WebConfig.NONE, Optional.of(token))) {
            server.start();
            URI uri = URI.create("http://127.0.0.1:" + server.port() + "/api/mha");
            HttpClient client = HttpClient.newHttpClient();
            HttpRequest.Builder post = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5));
            assertThat(client.send(post.copy().GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(405);
            HttpResponse<String> noToken = client.send(post.copy().POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(noToken.statusCode()).isEqualTo(403);
            assertThat(noToken.body()).contains("control.token").doesNotContain(secret);
            HttpResponse<String> wrong = client.send(post.copy().header(ControlToken.HEADER, "0".repeat(64))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(wrong.statusCode()).isEqualTo(403);
            HttpResponse<String> garbage = client.send(post.copy().header(ControlToken.HEADER, secret)
                    .POST(HttpRequest.BodyPublishers.ofString("{not json")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(garbage.statusCode()).isEqualTo(400);
            assertThat(garbage.body()).contains("not JSON");
        }
    }

    @Test
    void withoutATokenThereIsNoControlPathAtAll() throws Exception {
        try (StatusServer server = new StatusServer(new InetSocketAddress("127.0.0.1", 0), () -> null,
                JsonReport.MAPPER::createObjectNode, new Metrics("test"), WebConfig.NONE)) {
            server.start();
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/api/mha")).POST(
                    HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(404);
        }
    }
}
