package io.vipwatch.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real Prometheus Alertmanager (Debian package {@code prometheus-alertmanager}) on loopback, started by a test
 * with a config of its choosing and stopped by its own process handle.
 */
public final class AlertmanagerProcess implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/prometheus-alertmanager");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final int port;
    private final Path log;

    private AlertmanagerProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** A route that sends every alert (firing and resolved, without grouping delay) to {@code webhookUrl}. */
    public static String forwardingConfig(String webhookUrl) {
        return """
                route:
                  receiver: test
                  group_by: ['...']
                  group_wait: 0s
                  group_interval: 1s
                  repeat_interval: 1h
                receivers:
                  - name: test
                    webhook_configs:
                      - url: '%s'
                        send_resolved: true
                """.formatted(webhookUrl);
    }

    public static AlertmanagerProcess start(Path dir, String config) throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            throw new AssertionError(BINARY + " is missing: install the Debian package prometheus-alertmanager "
                    + "(lab/install-packages does)");
        }
        Files.createDirectories(dir);
        Path cfg = dir.resolve("alertmanager.yml");
        Files.writeString(cfg, config);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = dir.resolve("alertmanager.log");
        Process p = new ProcessBuilder(List.of(BINARY.toString(), "--config.file=" + cfg,
                "--storage.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address="))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        AlertmanagerProcess am = new AlertmanagerProcess(p, port, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!am.ready()) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                am.close();
                throw new AssertionError("Alertmanager did not become ready:\n" + Files.readString(log));
            }
            Thread.sleep(100); // polling interval of a condition with a deadline
        }
        return am;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    private boolean ready() {
        try {
            return get("/-/ready").statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /** GET on Alertmanager's HTTP API. */
    public HttpResponse<String> get(String path) throws IOException {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    public String logText() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
