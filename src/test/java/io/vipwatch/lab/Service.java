package io.vipwatch.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
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
import java.util.function.Predicate;

/** A {@code vipwatch run} process started by a test, with its status API and audit log. */
final class Service implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final Process process;
    final int port;
    final Path audit;
    final Path log;
    final Path config;
    private final List<String> argv;

    private Service(Process process, int port, Path audit, Path log, Path config, List<String> argv) {
        this.process = process;
        this.port = port;
        this.audit = audit;
        this.log = log;
        this.config = config;
        this.argv = argv;
    }

    /**
     * Starts the service on a variant of the lab config with its own port and audit log, and waits until
     * {@code /healthz} answers.
     */
    static Service start(String name, int port, java.util.Map<String, String> replacements, String... args)
            throws Exception {
        return begin(name, port, replacements, args).ready();
    }

    /**
     * Starts one instance of a fleet ({@code scheduler.store: jdbc}) and waits only until {@code /healthz}
     * answers: which VIPs it runs cycles of is up to the fleet.
     */
    static Service startMember(String name, int port, java.util.Map<String, String> replacements) throws Exception {
        Service s = begin(name, port, replacements);
        s.await("healthz", Duration.ofSeconds(30), x -> x.healthy());
        return s;
    }

    private static Service begin(String name, int port, java.util.Map<String, String> replacements, String... args)
            throws Exception {
        Path audit = Lab.DIR.resolve(name + "-audit.jsonl");
        Files.deleteIfExists(audit);
        Path config = Lab.configVariant(name + ".yml", "probes:\n",
                "listen: 127.0.0.1:" + port + "\naudit_log: " + audit + "\nprobes:\n");
        String text = Files.readString(config);
        for (var r : replacements.entrySet()) {
            assertThat(text).contains(r.getKey());
            text = text.replace(r.getKey(), r.getValue());
        }
        Files.writeString(config, text);
        Path log = Lab.DIR.resolve(name + ".log");
        List<String> argv = new ArrayList<>(List.of("java", "-jar", Lab.JAR.toString(), "run", "--config",
                config.toString()));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new Service(p, port, audit, log, config, argv);
    }

    private Service ready() {
        await("healthz", Duration.ofSeconds(30), x -> x.healthy());
        await("a first cycle of both lab VIPs", Duration.ofSeconds(30), x -> x.status().get("vips").size() == 2);
        return this;
    }

    /** Sends {@code signal} (e.g. STOP, CONT) to this service's process, by its PID. */
    void signal(String signal) {
        Lab.Run r = Lab.run(List.of("kill", "-" + signal, Long.toString(process.pid())), Duration.ofSeconds(5));
        assertThat(r.exit()).as("kill -" + signal + ": " + r.stderr()).isZero();
    }

    /** SIGKILL: no shutdown hook, no flush, like a crash or {@code kill -9}. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("killed").isTrue();
    }

    /** Starts the same config again after this one ended; audit log and output are appended to. */
    Service restart() throws IOException {
        assertThat(process.isAlive()).as("restart of a running service").isFalse();
        Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return new Service(p, port, audit, log, config, argv).ready();
    }

    boolean healthy() {
        try {
            return get("/healthz").statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    JsonNode status() {
        try {
            HttpResponse<String> r = get("/api/status");
            assertThat(r.statusCode()).isEqualTo(200);
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("status API of the service on port " + port + " did not answer", e);
        }
    }

    JsonNode vip(String name) {
        return Lab.vip(status(), name);
    }

    private HttpResponse<String> get(String path) throws IOException {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build();
        try {
            return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** The audit log's lines, parsed. */
    List<JsonNode> audit() {
        List<JsonNode> out = new ArrayList<>();
        try {
            if (Files.exists(audit)) {
                for (String line : Files.readAllLines(audit)) {
                    if (!line.isBlank()) {
                        out.add(JSON.readTree(line));
                    }
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out;
    }

    /**
     * The audit lines after the first {@code mark} of repairs that started after them: the later announce bursts
     * of an earlier repair (sent after it returned, same {@code repair_id}) are not news.
     */
    List<JsonNode> repairsStartedAfter(int mark) {
        List<JsonNode> all = audit();
        int from = Math.min(mark, all.size());
        java.util.Set<String> earlier = new java.util.HashSet<>();
        all.subList(0, from).forEach(a -> earlier.add(a.get("repair_id").asText()));
        return all.subList(from, all.size()).stream()
                .filter(a -> !earlier.contains(a.get("repair_id").asText())).toList();
    }

    /** Polls {@code condition} every 100 ms until it holds or {@code limit} passes (then fails with the log). */
    void await(String what, Duration limit, Predicate<Service> condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the service died while waiting for " + what + ":\n" + logTail());
            }
            if (condition.test(this)) {
                return;
            }
            try {
                Thread.sleep(100); // polling interval of a condition with a deadline, not a stand-in for one
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("not within " + limit + ": " + what + "\n" + logTail());
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** SIGTERM, then wait for the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the service did not stop within 30 s of SIGTERM\n" + logTail());
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
