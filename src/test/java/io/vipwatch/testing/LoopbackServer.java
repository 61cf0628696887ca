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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real server from Debian's packages — Prometheus or Alertmanager — started by a test on a free loopback port
 * with a config of the test's choosing, and stopped by its own process handle (never by name).
 */
public final class LoopbackServer implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final int port;
    private final Path log;

    private LoopbackServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Alertmanager (package {@code prometheus-alertmanager}) without clustering, config in {@code dir}. */
    public static LoopbackServer alertmanager(Path dir, String config) throws IOException, InterruptedException {
        return start(Path.of("/usr/bin/prometheus-alertmanager"), "prometheus-alertmanager", dir, config,
                port -> List.of("--storage.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                        "--cluster.listen-address="));
    }

    /** Prometheus (package {@code prometheus}) with its TSDB in {@code dir}. */
    public static LoopbackServer prometheus(Path dir, String config) throws IOException, InterruptedException {
        return start(Path.of("/usr/bin/prometheus"), "prometheus", dir, config,
                port -> List.of("--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port));
    }

    /** An Alertmanager route that sends every alert (firing and resolved, without grouping delay) to a webhook. */
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

    private interface Args {
        List<String> forPort(int port);
    }

    private static LoopbackServer start(Path binary, String pkg, Path dir, String config, Args args)
            throws IOException, InterruptedException {
        if (!Files.isExecutable(binary)) {
            throw new AssertionError(binary + " is missing: install the Debian package " + pkg
                    + " (lab/install-packages does)");
        }
        Files.createDirectories(dir);
        Path cfg = dir.resolve(binary.getFileName() + ".yml");
        Files.writeString(cfg, config);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = dir.resolve(binary.getFileName() + ".log");
        List<String> argv = new ArrayList<>(List.of(binary.toString(), "--config.file=" + cfg));
        argv.addAll(args.forPort(port));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        LoopbackServer server = new LoopbackServer(p, port, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!server.ready()) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                server.close();
                throw new AssertionError(binary + " did not become ready:\n" + Files.readString(log));
            }
            Thread.sleep(100); // polling interval of a condition with a deadline
        }
        return server;
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

    /** GET on the server's HTTP API; {@code pathAndQuery} must be URL-encoded already. */
    public HttpResponse<String> get(String pathAndQuery) throws IOException {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url() + pathAndQuery)).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString());
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
