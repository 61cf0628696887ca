// bench/Measure.java — the timing half of bench/run; run inside the lab's watchdog namespace as root:
//   java -cp target/vipwatch.jar bench/Measure.java faults --vip 198.51.100.100/25 ... (see usage())
//   java -cp target/vipwatch.jar bench/Measure.java scale --status URL --pid PID --seconds S --interval-ms I
// bench/run builds the lab, starts the service and calls this; the numbers it prints are JSON on stdout (one
// object), progress on stderr. Java rather than bash: a deleted VIP is back in a few hundred milliseconds, and a
// shell that forks `mariadb` per attempt (whose lost SYN hangs until its timeout) measures itself, not vipwatch.

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

public class Measure {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern IPV4 = Pattern.compile("198\\.51\\.100\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,30}");
    static final Pattern MAC = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){5}");
    /** A MAC no lab host has: the stale-ARP fault points the observer's entry at it. */
    static final String NOBODY_MAC = "02:00:00:00:00:99";

    public static void main(String[] argv) throws Exception {
        if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("-h")) {
            System.out.print(usage());
            return;
        }
        Map<String, String> a = options(argv);
        switch (argv[0]) {
            case "faults" -> System.out.println(JSON.writeValueAsString(new Faults(a).run()));
            case "scale" -> System.out.println(JSON.writeValueAsString(new Scale(a).run()));
            case "report" -> new Report(a).write();
            default -> fail("unknown mode '" + argv[0] + "'\n" + usage());
        }
        System.exit(0); // JDBC's cleanup thread would otherwise keep the JVM up a little
    }

    static String usage() {
        return """
                Usage:
                  Measure faults --fault vip-deleted|second-holder|stale-arp --runs N --vip A.B.C.D/P --vip-name NAME
                                 --holder-ns NS --holder-mac MAC --server-id ID --second-ns NS
                                 --user U --password-file F --mode LABEL [--status URL] [--settle-ms MS]
                                 [--limit-ms MS]
                      Per run: wait until the VIP is healthy for --settle-ms, inject the fault (t0), then record
                      MTTD (first /api/status poll, every 10 ms, showing a problem for the VIP; only with --status)
                      and MTTR (first SELECT @@server_id through the VIP that returns ID while the observer's ARP
                      entry for the VIP is the holder's MAC; an attempt starts every 20 ms, each bounded).
                  Measure scale --status URL --pid PID --vips V --size HxV --seconds S --interval-ms I [--warmup-s W]
                      Waits until all V VIPs have cycled twice and W more seconds (default 45), then samples the service every interval: CPU time
                      and RSS of PID, SSH sessions, and per round of VIP cycles its wall time (first probe start to
                      last probe end) and whether every cycle fit.
                  Measure report --dir DIR --md FILE --json FILE --meta 'key=value;key=value...'
                      Turns the parts in DIR (*.json from the modes above, and naive-*.json) into one table.
                """;
    }

    static Map<String, String> options(String[] argv) {
        Map<String, String> out = new HashMap<>();
        for (int i = 1; i < argv.length; i++) {
            if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
                fail("expected --key value, found '" + argv[i] + "'");
            }
            out.put(argv[i].substring(2), argv[++i]);
        }
        return out;
    }

    static String need(Map<String, String> a, String key, Pattern allowed) {
        String v = a.get(key);
        if (v == null || !allowed.matcher(v).matches()) {
            fail("--" + key + " is missing or not " + allowed.pattern() + ": " + v);
        }
        return v;
    }

    static int number(Map<String, String> a, String key, int dflt, int min, int max) {
        String v = a.getOrDefault(key, Integer.toString(dflt));
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        fail("--" + key + " must be a number in " + min + ".." + max + ", not " + v);
        return 0;
    }

    static void fail(String message) {
        System.err.println("Measure: " + message);
        System.exit(2);
    }

    static void progress(String message) {
        System.err.println("[bench +" + Instant.now() + "] " + message);
    }

    /** Runs a command to its end (at most 5 s), for faults; true if it exited 0. */
    static boolean exec(List<String> command) throws Exception {
        int code = execCode(command, true);
        if (code != 0) {
            System.err.println("  " + String.join(" ", command) + ": exit " + code);
        }
        return code == 0;
    }

    /**
     * Runs a command (at most 5 s) and returns its exit code, -1 when it had to be killed. Its output goes to our
     * stderr with {@code show} (stdout is the JSON result), else nowhere.
     */
    static int execCode(List<String> command, boolean show) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(show
                ? ProcessBuilder.Redirect.appendTo(new java.io.File("/dev/stderr"))
                : ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    /** Whether {@code ip} is on eth0 of namespace {@code ns} now. */
    static boolean holds(String ns, String ip) throws Exception {
        Process p = new ProcessBuilder("ip", "-n", ns, "-o", "-4", "addr", "show", "dev", "eth0")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        p.waitFor(5, TimeUnit.SECONDS);
        return out.contains(" inet " + ip + "/");
    }

    static double ms(long nanos) {
        return Math.round(nanos / 1e4) / 100.0;
    }

    /** p50/p95/max of a list of milliseconds (nearest rank), as a JSON object; empty when none. */
    static ObjectNode stats(List<Double> values) {
        ObjectNode n = JSON.createObjectNode();
        n.put("n", values.size());
        if (values.isEmpty()) {
            return n;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        n.put("p50", rank(sorted, 50));
        n.put("p95", rank(sorted, 95));
        n.put("max", sorted.get(sorted.size() - 1));
        return n;
    }

    static double rank(List<Double> sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    /** GET url as JSON, bounded (2 s); null when it did not answer. */
    static JsonNode get(HttpClient http, String url) {
        return get(http, url, Duration.ofSeconds(2));
    }

    static JsonNode get(HttpClient http, String url, Duration limit) {
        try {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(limit).build(), HttpResponse.BodyHandlers.ofByteArray());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (Exception e) {
            return null;
        }
    }

    // ------------------------------------------------------------------------------------------------ faults

    static final class Faults {
        final String fault;
        final String mode;
        final int runs;
        final String vip;
        final String vipCidr;
        final String vipName;
        final String holderNs;
        final String holderMac;
        final String secondNs;
        final String serverId;
        final String url;
        final Properties jdbc = new Properties();
        final String statusUrl;
        final int settleMs;
        final int limitMs;
        final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        final ExecutorService attempts = Executors.newFixedThreadPool(32, r -> {
            Thread t = new Thread(r, "attempt");
            t.setDaemon(true);
            return t;
        });

        Faults(Map<String, String> a) throws Exception {
            fault = need(a, "fault", Pattern.compile("vip-deleted|second-holder|stale-arp"));
            mode = need(a, "mode", NAME);
            runs = number(a, "runs", 10, 1, 100);
            vipCidr = need(a, "vip", Pattern.compile(IPV4.pattern() + "/(2[4-9]|3[0-2])"));
            vip = vipCidr.substring(0, vipCidr.indexOf('/'));
            vipName = need(a, "vip-name", NAME);
            holderNs = need(a, "holder-ns", NAME);
            holderMac = need(a, "holder-mac", MAC);
            secondNs = need(a, "second-ns", NAME);
            serverId = need(a, "server-id", Pattern.compile("[1-9][0-9]{0,3}"));
            statusUrl = a.get("status");
            if (statusUrl != null && !statusUrl.matches("http://127\\.0\\.0\\.1:[0-9]{2,5}/api/status")) {
                fail("--status must be http://127.0.0.1:PORT/api/status");
            }
            settleMs = number(a, "settle-ms", 4000, 0, 60000);
            limitMs = number(a, "limit-ms", 20000, 1000, 120000);
            jdbc.setProperty("user", need(a, "user", NAME));
            jdbc.setProperty("password", Files.readString(Path.of(need(a, "password-file",
                    Pattern.compile("/[A-Za-z0-9._/-]+")))).strip());
            jdbc.setProperty("connectTimeout", "400");
            jdbc.setProperty("socketTimeout", "400");
            jdbc.setProperty("sslMode", "DISABLED");
            jdbc.setProperty("allowPublicKeyRetrieval", "false");
            url = "jdbc:mysql://" + vip + ":3306/";
        }

        ObjectNode run() throws Exception {
            ArrayNode each = JSON.createArrayNode();
            List<Double> detect = new ArrayList<>();
            List<Double> repair = new ArrayList<>();
            int timeouts = 0;
            answersRight(); // load the driver's classes before the first timing
            for (int r = 1; r <= runs; r++) {
                if (!settle()) {
                    fail("run " + r + ": the VIP did not become healthy for " + settleMs + " ms within 60 s");
                }
                long t0 = System.nanoTime();
                CompletableFuture<Long> detected = statusUrl == null ? CompletableFuture.completedFuture(-1L)
                        : CompletableFuture.supplyAsync(() -> firstProblem(t0));
                if (!inject()) {
                    fail("run " + r + ": injecting " + fault + " failed");
                }
                long fixed = firstRightAnswer(t0);
                long seen = detected.get(limitMs + 1000L, TimeUnit.MILLISECONDS);
                ObjectNode one = each.addObject().put("run", r);
                if (seen > 0) {
                    detect.add(ms(seen - t0));
                    one.put("mttd_ms", ms(seen - t0));
                }
                if (fixed > 0) {
                    repair.add(ms(fixed - t0));
                    one.put("mttr_ms", ms(fixed - t0));
                } else {
                    timeouts++;
                    one.putNull("mttr_ms");
                }
                progress(fault + " run " + r + "/" + runs + ": MTTD " + (seen > 0 ? ms(seen - t0) + " ms" : "-")
                        + ", MTTR " + (fixed > 0 ? ms(fixed - t0) + " ms" : "not within " + limitMs + " ms"));
            }
            ObjectNode out = JSON.createObjectNode();
            out.put("kind", "faults").put("mode", mode).put("fault", fault).put("runs", runs)
                    .put("timeouts", timeouts);
            out.set("mttd_ms", stats(detect));
            out.set("mttr_ms", stats(repair));
            out.set("each", each);
            return out;
        }

        boolean inject() throws Exception {
            return switch (fault) {
                case "vip-deleted" -> exec(List.of("ip", "-n", holderNs, "addr", "del", vipCidr, "dev", "eth0"));
                case "second-holder" -> exec(List.of("ip", "-n", secondNs, "addr", "add", vipCidr, "dev", "eth0"))
                        // arping -c 1 lingers ~1 s after its packet left: cut it short, as lab/lib.sh vw_garp does
                        && (List.of(0, 124).contains(execCode(List.of("timeout", "-s", "INT", "0.1", "ip", "netns",
                                "exec", secondNs, "arping", "-c", "1", "-A", "-I", "eth0", vip), false))
                            // an event-driven watchdog may remove the second address before arping can bind it:
                            // the fault happened, there was just nothing left to announce (as lab/fault vip-add)
                            || !holds(secondNs, vip));
                case "stale-arp" -> exec(List.of("ip", "neigh", "replace", vip, "lladdr", NOBODY_MAC, "dev", "eth0",
                        "nud", "reachable"));
                default -> false;
            };
        }

        /** Healthy for settleMs in a row: no problem in the status, the right server answers, ARP is right. */
        boolean settle() throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            long healthySince = -1;
            while (System.nanoTime() < deadline) {
                boolean ok = answersRight() && (statusUrl == null || quiet());
                long now = System.nanoTime();
                if (!ok) {
                    healthySince = -1;
                } else if (healthySince < 0) {
                    healthySince = now;
                } else if (now - healthySince >= TimeUnit.MILLISECONDS.toNanos(settleMs)) {
                    return true;
                }
                Thread.sleep(100);
            }
            return false;
        }

        /** The VIP shows in the status with no active problem and no repair in flight. */
        boolean quiet() {
            JsonNode s = vipStatus();
            return s != null && s.path("active_problems").isEmpty() && !s.path("repair_in_flight").asBoolean(true);
        }

        JsonNode vipStatus() {
            JsonNode root = get(http, statusUrl);
            if (root == null) {
                return null;
            }
            for (JsonNode v : root.path("vips")) {
                if (v.path("vip").asText().equals(vipName)) {
                    return v;
                }
            }
            return null;
        }

        /** nanoTime of the first status poll after t0 that shows a problem for the VIP; -1 if none in time. */
        long firstProblem(long t0) {
            long deadline = t0 + TimeUnit.MILLISECONDS.toNanos(limitMs);
            for (int i = 0; i < limitMs / 5 && System.nanoTime() < deadline; i++) {
                JsonNode s = vipStatus();
                if (s != null && !s.path("active_problems").isEmpty()) {
                    return System.nanoTime();
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return -1;
                }
            }
            return -1;
        }

        /**
         * nanoTime at which the first attempt that started after t0 saw the fault gone (the expected server answered
         * through the VIP, and the observer's ARP entry names the holder); -1 if none within the limit. Attempts
         * overlap: one starts every 20 ms, so a SYN lost while the VIP was away (retransmitted only after 1 s)
         * does not hide a recovery behind it.
         */
        long firstRightAnswer(long t0) throws Exception {
            CompletableFuture<Long> done = new CompletableFuture<>();
            long deadline = t0 + TimeUnit.MILLISECONDS.toNanos(limitMs);
            for (int i = 0; i < limitMs / 20 + 1 && !done.isDone() && System.nanoTime() < deadline; i++) {
                attempts.submit(() -> {
                    if (!done.isDone() && answersRight()) {
                        done.complete(System.nanoTime());
                    }
                });
                Thread.sleep(20);
            }
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000 + 1000);
            return done.completeOnTimeout(-1L, left, TimeUnit.MILLISECONDS).get();
        }

        boolean answersRight() {
            try (Connection c = DriverManager.getConnection(url, jdbc);
                 Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT @@server_id")) {
                return r.next() && r.getString(1).equals(serverId) && arpRight();
            } catch (Exception e) {
                return false;
            }
        }

        /** This namespace's neighbour entry for the VIP is complete and names the holder (/proc/net/arp). */
        boolean arpRight() throws Exception {
            for (String line : Files.readAllLines(Path.of("/proc/net/arp"))) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 6 && f[0].equals(vip)) {
                    return (Integer.decode(f[2]) & 0x2) != 0 && f[3].equalsIgnoreCase(holderMac);
                }
            }
            return false;
        }
    }

    // ------------------------------------------------------------------------------------------------ scale

    static final class Scale {
        final String statusUrl;
        final long pid;
        final int seconds;
        final int intervalMs;
        final int vips;
        final int warmupSeconds;
        final String size;
        final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

        Scale(Map<String, String> a) {
            statusUrl = need(a, "status", Pattern.compile("http://127\\.0\\.0\\.1:[0-9]{2,5}/api/status"));
            pid = Long.parseLong(need(a, "pid", Pattern.compile("[1-9][0-9]{0,9}")));
            seconds = number(a, "seconds", 300, 5, 3600);
            intervalMs = number(a, "interval-ms", 5000, 100, 60000);
            vips = number(a, "vips", 1, 1, 1000);
            warmupSeconds = number(a, "warmup-s", 45, 0, 600);
            size = need(a, "size", Pattern.compile("[1-9][0-9]{0,2}x[1-9][0-9]{0,3}"));
        }

        /**
         * Waits (at most 120 s) until every VIP has finished two cycles: connections are up, caches warm. False
         * when they did not: the measurement goes on and says so (an overloaded host is a result, not an error).
         */
        boolean warmUp() throws Exception {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            for (int i = 0; i < 1200 && System.nanoTime() < end; i++) {
                JsonNode s = get(http, statusUrl);
                if (s != null) {
                    Map<String, Long> c = cycles(s);
                    if (c.size() >= vips && c.values().stream().allMatch(n -> n >= 2)) {
                        return true;
                    }
                }
                Thread.sleep(100);
            }
            progress("scale: not every VIP cycled twice within 120 s; measuring anyway");
            return false;
        }

        /** Then a steady state: the JIT compiler's first minute is not what the service costs for months. */
        void settle() throws Exception {
            progress("scale: every VIP has cycled twice; settling " + warmupSeconds + " s before measuring");
            Thread.sleep(warmupSeconds * 1000L);
        }

        ObjectNode run() throws Exception {
            long ticks = ticksPerSecond();
            boolean warm = warmUp();
            settle();
            JsonNode first = get(http, statusUrl, Duration.ofSeconds(30));
            if (first == null) {
                fail("no status from " + statusUrl);
            }
            Map<String, Long> cyclesAtStart = cycles(first);
            double cpuStart = cpuSeconds(ticks);
            long wallStart = System.nanoTime();
            long maxRss = 0;
            int maxSsh = 0;
            Map<String, Long> seenRound = new LinkedHashMap<>(); // round start (ms) -> wall ms, one per round
            long maxProbeMs = 0;
            int samples = seconds * 1000 / intervalMs;
            long end = wallStart + TimeUnit.SECONDS.toNanos(seconds);
            // Bounded by count and by time: on an overloaded host a sample can take longer than the interval.
            for (int i = 0; i < samples && System.nanoTime() < end; i++) {
                Thread.sleep(intervalMs);
                maxRss = Math.max(maxRss, rssBytes());
                maxSsh = Math.max(maxSsh, sshSessions());
                JsonNode status = get(http, statusUrl, Duration.ofSeconds(10));
                if (status == null) {
                    continue;
                }
                // The VIP jobs of one tick start together; group their last cycles by start time into rounds.
                List<long[]> spans = new ArrayList<>();
                for (JsonNode v : status.path("vips")) {
                    long start = Instant.parse(v.path("probed_at").asText()).toEpochMilli();
                    long elapsed = v.path("elapsed_ms").asLong();
                    spans.add(new long[] {start, start + elapsed});
                    maxProbeMs = Math.max(maxProbeMs, elapsed);
                }
                spans.sort((x, y) -> Long.compare(x[0], y[0]));
                long roundStart = -1;
                long roundEnd = -1;
                for (long[] s : spans) {
                    if (roundStart < 0 || s[0] - roundStart > intervalMs / 2) {
                        if (roundStart >= 0) {
                            seenRound.put(Long.toString(roundStart), roundEnd - roundStart);
                        }
                        roundStart = s[0];
                        roundEnd = s[1];
                    } else {
                        roundEnd = Math.max(roundEnd, s[1]);
                    }
                }
                if (roundStart >= 0) {
                    seenRound.put(Long.toString(roundStart), roundEnd - roundStart);
                }
                if (i % Math.max(1, 30_000 / intervalMs) == 0) {
                    progress("scale: " + (i + 1) + "/" + samples + " samples, rss " + maxRss / 1048576 + " MB, ssh "
                            + maxSsh);
                }
            }
            double wall = (System.nanoTime() - wallStart) / 1e9;
            double cpu = cpuSeconds(ticks) - cpuStart;
            JsonNode last = get(http, statusUrl, Duration.ofSeconds(30)); // an overloaded service answers late
            if (last == null) {
                fail("no status from " + statusUrl + " within 30 s at the end of the window");
            }
            Map<String, Long> cyclesAtEnd = cycles(last);
            long vipCycles = 0;
            long fewest = Long.MAX_VALUE;
            for (Map.Entry<String, Long> e : cyclesAtEnd.entrySet()) {
                long d = e.getValue() - cyclesAtStart.getOrDefault(e.getKey(), 0L);
                vipCycles += d;
                fewest = Math.min(fewest, d);
            }
            long expected = (long) Math.floor(wall * 1000 / intervalMs);
            List<Double> rounds = seenRound.values().stream().map(Long::doubleValue).toList();
            ObjectNode out = JSON.createObjectNode();
            out.put("kind", "scale").put("size", size).put("every_vip_cycled_twice_before", warm);
            out.put("vips", cyclesAtEnd.size());
            out.put("seconds", Math.round(wall * 10) / 10.0);
            out.put("interval_ms", intervalMs);
            out.put("vip_cycles", vipCycles);
            out.put("expected_cycles_per_vip", expected);
            out.put("fewest_cycles_of_a_vip", fewest);
            // Fits: every VIP ran (nearly) every tick — one cycle of slack for where the window cut a tick — and
            // no round took longer than the interval.
            double worstRound = rounds.stream().mapToDouble(Double::doubleValue).max().orElse(0);
            out.put("every_cycle_fits", fewest >= expected - 1 && worstRound < intervalMs && maxProbeMs < intervalMs);
            out.set("round_wall_ms", stats(rounds));
            out.put("max_vip_probe_ms", maxProbeMs);
            out.put("cpu_seconds", Math.round(cpu * 100) / 100.0);
            out.put("cpu_cores_avg", Math.round(cpu / wall * 1000) / 1000.0);
            out.put("cpu_seconds_per_1000_vip_cycles", vipCycles == 0 ? 0 : Math.round(cpu / vipCycles * 1e5) / 100.0);
            out.put("max_rss_mb", Math.round(maxRss / 1048576.0 * 10) / 10.0);
            out.put("max_ssh_sessions", maxSsh);
            return out;
        }

        static Map<String, Long> cycles(JsonNode status) {
            Map<String, Long> out = new LinkedHashMap<>();
            for (JsonNode v : status.path("vips")) {
                out.put(v.path("cluster").asText() + "/" + v.path("vip").asText(), v.path("cycles").asLong());
            }
            return out;
        }

        static long ticksPerSecond() throws Exception {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
            String s = new String(p.getInputStream().readAllBytes()).strip();
            p.waitFor(5, TimeUnit.SECONDS);
            return Long.parseLong(s);
        }

        /** utime + stime of the process and its reaped children (ping, arping, ip run locally count too). */
        double cpuSeconds(long ticks) throws Exception {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields after "(comm) ": state=0 ... utime=11 stime=12 cutime=13 cstime=14
            long t = Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
            return (double) t / ticks;
        }

        long rssBytes() throws Exception {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
            return 0;
        }

        /** Established TCP connections to port 22 in this namespace (the service is the only SSH client here). */
        static int sshSessions() throws Exception {
            int n = 0;
            for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {  // Java's sockets are often IPv6
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 3 && f[2].endsWith(":0016") && f[3].equals("01")) {
                        n++;
                    }
                }
            }
            return n;
        }
    }

    // ------------------------------------------------------------------------------------------------ report

    /** Turns the parts one bench/run wrote into bench/RESULTS.md and a JSON file with the same numbers. */
    static final class Report {
        final Path dir;
        final Path md;
        final Path json;
        final Map<String, String> meta = new LinkedHashMap<>();
        final List<JsonNode> parts = new ArrayList<>();
        final List<String> verdicts = new ArrayList<>();

        Report(Map<String, String> a) throws Exception {
            dir = Path.of(need(a, "dir", Pattern.compile("/[A-Za-z0-9._/-]+")));
            md = Path.of(need(a, "md", Pattern.compile("/[A-Za-z0-9._/-]+")));
            json = Path.of(need(a, "json", Pattern.compile("/[A-Za-z0-9._/-]+")));
            for (String kv : a.getOrDefault("meta", "").split(";")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    meta.put(kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
                }
            }
            try (var files = Files.list(dir)) {
                for (Path p : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                    parts.add(JSON.readTree(p.toFile()));
                }
            }
        }

        void write() throws Exception {
            StringBuilder out = new StringBuilder();
            out.append("# vipwatch benchmark\n\n");
            out.append("Run `").append(meta.getOrDefault("command", "bench/run")).append("` on ")
                    .append(meta.getOrDefault("date", "?")).append(": ").append(meta.getOrDefault("machine", "?"))
                    .append("; vipwatch ").append(meta.getOrDefault("version", "?")).append(" (")
                    .append(meta.getOrDefault("commit", "?")).append("). Every number comes from the lab: network "
                    + "namespaces with real sshd, MariaDB, `ip` and `arping`, one watchdog namespace.\n\n");
            faults(out);
            scale(out);
            naive(out);
            out.append("## Targets (issue 6)\n\n");
            verdicts.forEach(v -> out.append("- ").append(v).append('\n'));
            Files.writeString(md, out.toString());
            ObjectNode root = JSON.createObjectNode();
            meta.forEach(root::put);
            ArrayNode p = root.putArray("parts");
            parts.forEach(p::add);
            ArrayNode v = root.putArray("targets");
            verdicts.forEach(v::add);
            Files.writeString(json, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
            System.out.print(out);
        }

        List<JsonNode> of(String kind) {
            return parts.stream().filter(p -> p.path("kind").asText().equals(kind)).toList();
        }

        Optional<JsonNode> fault(String mode, String fault) {
            return of("faults").stream().filter(p -> p.path("mode").asText().equals(mode)
                    && p.path("fault").asText().equals(fault)).findFirst();
        }

        static final Map<String, String> FAULTS = Map.of("vip-deleted", "VIP deleted (`ip addr del` on the holder)",
                "second-holder", "VIP also on a second host, + its gratuitous ARP",
                "stale-arp", "stale ARP entry on the observer (`ip neigh replace` to a foreign MAC)");
        static final Map<String, String> MODES = Map.of("events", "vipwatch, event streams + polling 1 s",
                "polling", "vipwatch, polling 1 s", "naive", "naive bash loop, 1 s + cron-style repair");

        void faults(StringBuilder out) {
            List<JsonNode> all = of("faults");
            if (all.isEmpty()) {
                return;
            }
            out.append("## Time to detect and to repair\n\n");
            out.append("3 db hosts, probe interval 1 s. MTTD: fault → the problem shows in `/api/status` (polled every "
                    + "10 ms). MTTR: fault → `SELECT @@server_id` through the VIP answered by the expected host while "
                    + "the observer's ARP entry names its MAC (an attempt every 20 ms). Milliseconds.\n\n");
            out.append("| fault | watchdog | runs | MTTD p50 | MTTD p95 | MTTD max | MTTR p50 | MTTR p95 | MTTR max |"
                    + " not repaired |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (String f : List.of("vip-deleted", "second-holder", "stale-arp")) {
                for (String m : List.of("events", "polling", "naive")) {
                    fault(m, f).ifPresent(p -> out.append("| ").append(FAULTS.get(f)).append(" | ")
                            .append(MODES.get(m)).append(" | ").append(p.path("runs").asInt()).append(" | ")
                            .append(cells(p.path("mttd_ms"))).append(" | ").append(cells(p.path("mttr_ms")))
                            .append(" | ").append(p.path("timeouts").asInt()).append(" |\n"));
                }
            }
            out.append('\n');
            fault("events", "vip-deleted").ifPresent(p -> {
                target("deleted VIP, event streams: MTTD p95 ≤ 200 ms", p.path("mttd_ms").path("p95"), 200);
                target("deleted VIP, event streams: MTTR p50 ≤ 400 ms", p.path("mttr_ms").path("p50"), 400);
                target("deleted VIP, event streams: MTTR p95 ≤ 800 ms", p.path("mttr_ms").path("p95"), 800);
            });
            fault("polling", "vip-deleted").ifPresent(p ->
                    target("deleted VIP, polling 1 s: MTTR p95 ≤ 2000 ms", p.path("mttr_ms").path("p95"), 2000));
            for (String m : List.of("events", "polling")) {
                fault(m, "second-holder").ifPresent(p -> target("duplicate holder (" + m + "): MTTR p95 ≤ 3000 ms, "
                        + "ARP entry back on the rightful holder included", p.path("mttr_ms").path("p95"), 3000));
            }
            all.stream().filter(p -> p.path("timeouts").asInt() > 0).forEach(p -> verdicts.add("NOT MET: "
                    + p.path("timeouts").asInt() + " run(s) of " + p.path("fault").asText() + " ("
                    + p.path("mode").asText() + ") not repaired within the limit"));
        }

        static String cells(JsonNode s) {
            if (s.path("n").asInt() == 0) {
                return "– | – | –";
            }
            return Math.round(s.path("p50").asDouble()) + " | " + Math.round(s.path("p95").asDouble()) + " | "
                    + Math.round(s.path("max").asDouble());
        }

        void target(String what, JsonNode value, double limit) {
            boolean met = value.isNumber() && value.asDouble() <= limit;
            verdicts.add((met ? "met: " : "NOT MET: ") + what + " (measured "
                    + (value.isNumber() ? Math.round(value.asDouble() * 100) / 100.0 : "nothing") + ")");
        }

        void scale(StringBuilder out) {
            List<JsonNode> all = of("scale");
            if (all.isEmpty()) {
                return;
            }
            out.append("## Scale\n\n");
            out.append("One watchdog, all five probes per VIP, the service's own interval. Full cycle: from the first "
                    + "VIP's probe start to the last VIP's probe end within one tick (read from `/api/status` once "
                    + "per interval). CPU: the process and its reaped children (ping, arping, ip), over the whole "
                    + "window.\n\n");
            out.append("| hosts × VIPs | interval | window | full cycle p50 | p95 | max | every cycle fits | CPU "
                    + "(cores, avg) | CPU s per 1,000 VIP-cycles | RSS max | SSH sessions |\n"
                    + "|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|\n");
            for (JsonNode p : all) {
                JsonNode r = p.path("round_wall_ms");
                out.append("| ").append(p.path("size").asText().replace("x", " × ")).append(" | ")
                        .append(p.path("interval_ms").asInt() / 1000.0).append(" s | ")
                        .append(p.path("seconds").asDouble()).append(" s | ").append(cells(r).replace(" | –", ""))
                        .append(" ms | ").append(p.path("every_cycle_fits").asBoolean() ? "yes" : "**no**")
                        .append(" | ").append(p.path("cpu_cores_avg").asDouble()).append(" | ")
                        .append(p.path("cpu_seconds_per_1000_vip_cycles").asDouble()).append(" | ")
                        .append(p.path("max_rss_mb").asDouble()).append(" MB | ")
                        .append(p.path("max_ssh_sessions").asInt()).append(" |\n");
                if (p.path("size").asText().equals("40x200")) {
                    target("200 VIPs / 40 hosts: a full cycle ≤ 2000 ms (max)", r.path("max"), 2000);
                    verdicts.add((p.path("every_cycle_fits").asBoolean() ? "met: " : "NOT MET: ")
                            + "200 VIPs / 40 hosts: every cycle fits its interval over the window");
                    target("200 VIPs / 40 hosts: average CPU ≤ 1 core", p.path("cpu_cores_avg"), 1.0);
                    target("200 VIPs / 40 hosts: RSS ≤ 300 MB", p.path("max_rss_mb"), 300);
                }
            }
            out.append('\n');
        }

        void naive(StringBuilder out) {
            List<JsonNode> cycles = of("naive-cycle");
            Optional<JsonNode> naiveMttr = fault("naive", "vip-deleted");
            if (cycles.isEmpty() && naiveMttr.isEmpty()) {
                return;
            }
            out.append("## Against the naive loop\n\n");
            out.append("`bench/naive-loop`: per VIP, `ssh HOST \"ip addr show | grep VIP\"` on every host (a fresh ssh "
                    + "each), `ping -c 1 -W 2 VIP`, `mysql -h VIP -e 'SELECT 1'`; repair `ip addr del; ip addr add; "
                    + "arping -c 5 -A`. Same lab, same run.\n\n");
            out.append("| measure | naive loop | vipwatch | naive ÷ vipwatch |\n|---|---:|---:|---:|\n");
            for (JsonNode c : cycles) {
                String size = c.path("size").asText();
                Optional<JsonNode> ours = of("scale").stream().filter(p -> p.path("size").asText().equals(size))
                        .findFirst();
                double naiveMs = c.path("cycle_ms").asDouble();
                if (ours.isPresent()) {
                    double vw = ours.get().path("round_wall_ms").path("p50").asDouble();
                    double ratio = vw > 0 ? naiveMs / vw : 0;
                    out.append("| one full cycle, ").append(size.replace("x", " hosts × ")).append(" VIPs | ")
                            .append(Math.round(naiveMs)).append(" ms | ").append(Math.round(vw)).append(" ms | ")
                            .append(Math.round(ratio * 10) / 10.0).append(" |\n");
                    if (c.path("vips").asInt() == 20) {
                        verdicts.add((ratio >= 20 ? "met: " : "NOT MET: ") + "20 VIPs: naive cycle ÷ vipwatch cycle "
                                + "≥ 20 (measured " + Math.round(ratio * 10) / 10.0 + ")");
                    }
                } else {
                    out.append("| one full cycle, ").append(size.replace("x", " hosts × ")).append(" VIPs | ")
                            .append(Math.round(naiveMs)).append(" ms | – | – |\n");
                }
            }
            Optional<JsonNode> ours = fault("events", "vip-deleted").or(() -> fault("polling", "vip-deleted"));
            if (naiveMttr.isPresent() && ours.isPresent()) {
                double n = naiveMttr.get().path("mttr_ms").path("p50").asDouble();
                double v = ours.get().path("mttr_ms").path("p50").asDouble();
                out.append("| MTTR p50, VIP deleted | ").append(Math.round(n)).append(" ms | ").append(Math.round(v))
                        .append(" ms (").append(ours.get().path("mode").asText()).append(") | ")
                        .append(v > 0 ? Math.round(n / v * 10) / 10.0 : "–").append(" |\n");
            }
            out.append('\n');
        }
    }
}
