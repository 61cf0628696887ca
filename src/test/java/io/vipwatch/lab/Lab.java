package io.vipwatch.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The lab as integration tests see it. Failsafe runs the test JVM through {@code lab/test-jvm}, which builds the
 * lab, runs this JVM inside the watchdog namespace and tears the lab down afterwards, also on failure. Tests
 * inject faults with {@code lab/fault} and restore the baseline with {@code lab/heal}.
 */
public final class Lab {
    public static final Path DIR = Path.of(env("VIPWATCH_LAB_DIR"));
    public static final Path HOME = Path.of(env("VIPWATCH_LAB_HOME"));
    public static final Path CONFIG = DIR.resolve("vipwatch.yml");
    public static final Path JAR = Path.of(env("VIPWATCH_JAR"));
    public static final String RW = "198.51.100.100";
    public static final String RO = "198.51.100.101";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Lab() {
    }

    private static String env(String name) {
        String v = System.getenv(name);
        if (v == null) {
            throw new IllegalStateException(name + " is not set: integration tests run through lab/test-jvm "
                    + "(mvn verify), which builds the lab first");
        }
        return v;
    }

    /** What a finished process said. */
    public record Run(int exit, String stdout, String stderr, Duration elapsed) {
        public JsonNode json() {
            try {
                return JSON.readTree(stdout);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + stdout + "\nstderr: " + stderr, e);
            }
        }
    }

    /** Runs a command with a deadline; fails the test if it does not finish in time. */
    public static Run run(List<String> argv, Duration limit) {
        long start = System.nanoTime();
        try {
            Path out = Files.createTempFile("vw-out", ".txt");
            Path err = Files.createTempFile("vw-err", ".txt");
            Process p = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(argv + " did not finish within " + limit);
            }
            Run r = new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8), Duration.ofNanos(System.nanoTime() - start));
            Files.delete(out);
            Files.delete(err);
            return r;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + argv, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + argv, e);
        }
    }

    /** Runs the vipwatch CLI from the built jar, as a user would. */
    public static Run vipwatch(String... args) {
        List<String> argv = new ArrayList<>(List.of("java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar",
                JAR.toString()));
        argv.addAll(List.of(args));
        return run(argv, Duration.ofSeconds(60));
    }

    /** {@code vipwatch check --json} on the lab config (or another), parsed. */
    public static Run check(Path config) {
        Run r = vipwatch("check", "--config", config.toString(), "--json");
        assertThat(r.exit()).as("exit code of check; stderr:\n%s\nstdout:\n%s", r.stderr(), r.stdout()).isIn(0, 1);
        return r;
    }

    public static void fault(String... args) {
        List<String> argv = new ArrayList<>(List.of(HOME.resolve("fault").toString()));
        argv.addAll(List.of(args));
        Run r = run(argv, Duration.ofSeconds(90));
        assertThat(r.exit()).as("lab/fault %s failed: %s", List.of(args), r.stderr()).isZero();
    }

    public static void heal() {
        Run r = run(List.of(HOME.resolve("heal").toString()), Duration.ofSeconds(120));
        assertThat(r.exit()).as("lab/heal failed: %s %s", r.stdout(), r.stderr()).isZero();
    }

    /** The report of one VIP in a check's JSON. */
    public static JsonNode vip(JsonNode report, String name) {
        for (JsonNode v : report.get("vips")) {
            if (v.get("vip").asText().equals(name)) {
                return v;
            }
        }
        throw new AssertionError("no VIP " + name + " in " + report);
    }

    public static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    public static List<String> problemNames(JsonNode vip) {
        List<String> out = new ArrayList<>();
        vip.get("problems").forEach(p -> out.add(p.get("name").asText()));
        return out;
    }

    public static JsonNode problem(JsonNode vip, String name) {
        for (JsonNode p : vip.get("problems")) {
            if (p.get("name").asText().equals(name)) {
                return p;
            }
        }
        throw new AssertionError("no problem " + name + " in " + vip);
    }

    /** The namespace of a lab host ("db1") or of the watchdog ("watch"). */
    public static String ns(String host) {
        return System.getenv().getOrDefault("VIPWATCH_LAB_PREFIX", "vw") + "-" + host;
    }

    /** The IPv4 addresses on one interface of a lab host, e.g. [198.51.100.11/25, 198.51.100.100/25]. */
    public static List<String> addresses(String host, String iface) {
        Run r = run(List.of("ip", "-n", ns(host), "-o", "-4", "addr", "show", "dev", iface), Duration.ofSeconds(10));
        List<String> out = new ArrayList<>();
        for (String line : r.stdout().split("\n")) {
            String[] f = line.trim().split("\s+");
            if (f.length > 3 && f[2].equals("inet")) {
                out.add(f[3]);
            }
        }
        return out;
    }

    /** Whether the host carries the address on any interface. */
    public static boolean holds(String host, String ip) {
        Run r = run(List.of("ip", "-n", ns(host), "-o", "-4", "addr", "show"), Duration.ofSeconds(10));
        return r.stdout().contains(" " + ip + "/");
    }

    /** The watchdog's neighbour entry for an address, as `ip neigh` prints it ("" when none). */
    public static String watchdogNeighbour(String ip) {
        return run(List.of("ip", "neigh", "show", "to", ip), Duration.ofSeconds(10)).stdout().trim();
    }

    /** Runs SQL as root on a lab host's own MariaDB (through its socket, inside its namespace). */
    public static void sql(String host, String statement) {
        Run r = run(List.of("ip", "netns", "exec", ns(host), "mariadb",
                "--defaults-file=" + DIR.resolve(host).resolve("my.cnf"), "-e", statement), Duration.ofSeconds(20));
        assertThat(r.exit()).as("SQL on %s: %s", host, r.stderr()).isZero();
    }

    /** Writes a variant of the lab config (same directory, so relative paths keep working). */
    public static Path configVariant(String name, String from, String to) throws IOException {
        String original = Files.readString(CONFIG);
        assertThat(original).contains(from);
        Path p = DIR.resolve(name);
        Files.writeString(p, original.replace(from, to));
        return p;
    }
}
