package io.vipwatch.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * vipwatch as MHA's VIP scripts, run by the real MHA 0.58 ({@code mha4mysql-manager}) on a lab of its own that
 * lab/test-jvm builds next to the main one (lab/up, lab/mha-up: MariaDB replication db1 → db2, db3). The tests run
 * in order on that one lab: a check, an online switch db1 → db2 (vipwatch alone), one back (handed to the running
 * service), a crash of db1's mariadbd under {@code masterha_manager}, a failover away from a master cut off every
 * network that then comes back with its VIP (service running), then calls against a host whose SSH is blackholed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MhaIT {
    private static final String PREFIX = System.getenv("VIPWATCH_MHA_LAB_PREFIX");
    private static final Path DIR = Path.of(System.getenv("VIPWATCH_MHA_LAB_DIR"));
    private static final String VIP = Lab.RW;
    private static final Duration MHA_LIMIT = Duration.ofSeconds(120);
    /** The status API of the service started in the MHA lab's watchdog namespace (its loopback, not ours). */
    private static final int PORT = 9181;
    private static final Path MANAGER_LOG = DIR.resolve("mha").resolve("manager.log");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path config;
    private static Path audit;

    @BeforeAll
    static void pointMhaAtVipwatch() throws IOException {
        String lab = Files.readString(DIR.resolve("vipwatch.yml"));
        assertThat(lab).contains("expected_holder: db1 }");
        audit = DIR.resolve("mha-audit.jsonl");
        config = DIR.resolve("vipwatch-mha.yml");
        Files.writeString(config, lab.replace("expected_holder: db1 }", "expected_holder: writable }")
                + "audit_log: " + audit + "\nstate_dir: " + DIR.resolve("state") + "\nlisten: 127.0.0.1:" + PORT
                + "\n");
        String script = Lab.HOME.getParent().resolve("vipwatch") + " mha -c " + config;
        Lab.Run r = lab(List.of(Lab.HOME.resolve("mha-scripts").toString(), script, script), Duration.ofSeconds(30));
        assertThat(r.exit()).as(r.stderr()).isZero();
    }

    @AfterAll
    static void unblackhole() {
        lab(List.of(Lab.HOME.resolve("fault").toString(), "ssh-unblackhole", "db2"), Duration.ofSeconds(30));
    }

    @Test
    @Order(1)
    void checkReplPassesWithVipwatchAsBothScripts() {
        Lab.Run r = mha("check_repl");
        assertThat(r.exit()).as(r.stdout() + r.stderr()).isZero();
        assertThat(r.stdout() + r.stderr()).contains("MySQL Replication Health is OK.",
                "vipwatch: vipwatch mha --command=status: cluster lab, old master db1, VIPs rw",
                "vipwatch: rw (198.51.100.100) is on db1");
    }

    @Test
    @Order(2)
    void anOnlineSwitchMovesTheVipAndTheNewMasterAnswersThroughIt() throws Exception {
        Timeline t = Timeline.start(2);
        Lab.Run r = mha("master_switch", "--master_state=alive", "--new_master_host=198.51.100.142",
                "--orig_master_is_new_slave", "--interactive=0");
        String said = r.stdout() + r.stderr();
        assertThat(r.exit()).as(said).isZero();
        assertThat(said).contains("(online switch)", "removed rw from db1 eth0", "added rw on db2 eth0",
                "SQL through rw answered by db2 (server_id=2)");
        assertThat(holds("db2")).isTrue();
        assertThat(holds("db1")).isFalse();
        t.awaitWrites(Duration.ofSeconds(30));
        System.out.println("MhaIT: online switch db1 -> db2 with vipwatch: VIP answers from db2 at +" + t.answersMs()
                + " ms, writes resume at +" + t.writesMs() + " ms, MHA done at +" + r.elapsed().toMillis() + " ms");
        assertThat(auditLines()).anySatisfy(l -> {
            assertThat(l.path("plan").asText()).isEqualTo("mha-stop");
            assertThat(l.path("host").asText()).isEqualTo("db1");
            assertThat(l.path("command").asText()).isEqualTo("ip addr del 198.51.100.100/25 dev eth0");
            assertThat(l.path("exit_code").asInt()).isZero();
        }).anySatisfy(l -> {
            assertThat(l.path("plan").asText()).isEqualTo("mha-start");
            assertThat(l.path("host").asText()).isEqualTo("db2");
            assertThat(l.path("command").asText()).isEqualTo("ip addr add 198.51.100.100/25 dev eth0");
            assertThat(l.path("result").asText()).isEqualTo("ok");
        });
    }

    @Test
    @Order(3)
    void withTheServiceRunningTheSwitchIsHandedToItAndItDoesNotFightTheMove() throws Exception {
        Process service = startService();
        try {
            long auditBefore = auditLines().size();
            Timeline t = Timeline.start(1);
            Lab.Run r = mha("master_switch", "--master_state=alive", "--new_master_host=198.51.100.141",
                    "--orig_master_is_new_slave", "--interactive=0");
            String said = r.stdout() + r.stderr();
            assertThat(r.exit()).as(said).isZero();
            assertThat(said).contains("done by the running service at http://127.0.0.1:" + PORT + "/api/mha",
                    "removed rw from db2 eth0", "added rw on db1 eth0", "SQL through rw answered by db1 (server_id=1)");
            t.awaitWrites(Duration.ofSeconds(30));
            System.out.println("MhaIT: online switch db2 -> db1 handed to the running service: VIP answers from db1 "
                    + "at +"
                    + t.answersMs() + " ms, writes resume at +" + t.writesMs() + " ms, MHA done at +"
                    + r.elapsed().toMillis() + " ms");
            // Two more cycles of the service after the switch: it saw the VIP on db1, the writable master, and left it.
            long cycles = rwStatus().path("cycles").asLong();
            await("two more cycles of rw", Duration.ofSeconds(30),
                    () -> rwStatus().path("cycles").asLong() >= cycles + 2);
            JsonNode rw = rwStatus();
            assertThat(Lab.strings(rw.path("holders"))).containsExactly("db1");
            assertThat(rw.path("expected_holder").asText()).isEqualTo("db1");
            assertThat(rw.path("silence").isNull()).as("the handover's silence ended with start: " + rw.path("silence"))
                    .isTrue();
            // The later gratuitous-ARP bursts (2 and 3 of the default 2, 2, 1) follow from the service.
            await("the service's later bursts from db1", Duration.ofSeconds(15), () -> auditSince((int) auditBefore)
                    .stream().anyMatch(l -> l.path("plan").asText().equals("mha-start")
                            && l.path("detail").asText().startsWith("sent burst 3/3 ")
                            && l.path("host").asText().equals("db1") && l.path("result").asText().equals("ok")));
            List<JsonNode> after = auditSince((int) auditBefore);
            assertThat(after).isNotEmpty().allSatisfy(l -> assertThat(l.path("plan").asText())
                    .as("only the handover's own steps: no repair fought the move").startsWith("mha-"));
            assertThat(holds("db1")).isTrue();
            assertThat(holds("db2")).isFalse();
        } finally {
            stop(service);
        }
    }

    @Test
    @Order(4)
    void aCrashedMasterIsFailedOverByTheManagerAndTheVipFollows() throws Exception {
        long logStart = Files.exists(MANAGER_LOG) ? Files.size(MANAGER_LOG) : 0;
        Process manager = startManager(logStart);
        try {
            Timeline t = Timeline.start(-1); // any server but db1
            lab(List.of(Lab.HOME.resolve("fault").toString(), "mysql-kill", "db1"), Duration.ofSeconds(30));
            assertThat(manager.waitFor(MHA_LIMIT.toMillis(), TimeUnit.MILLISECONDS)).as("manager done").isTrue();
            String said = logSince(MANAGER_LOG, logStart);
            assertThat(manager.exitValue()).as(said).isZero();
            assertThat(said).contains("vipwatch: vipwatch mha --command=start: cluster lab, old master db1",
                    "no running service answered"); // the token of the stopped service is left, nobody listens
            List<String> holders = holders();
            assertThat(holders).hasSize(1).doesNotContain("db1");
            t.awaitWrites(Duration.ofSeconds(30));
            assertThat(t.answeredBy()).isEqualTo(Integer.parseInt(holders.get(0).substring(2)));
            System.out.println("MhaIT: mariadbd of db1 killed, manager failed over to " + holders.get(0)
                    + " with vipwatch: VIP answers at +" + t.answersMs() + " ms, writes resume at +" + t.writesMs()
                    + " ms");
        } finally {
            stop(manager);
        }
    }

    @Test
    @Order(5)
    void anOldMasterCutOffDuringTheFailoverLosesItsStaleVipWhenItComesBack() throws Exception {
        String master = holders().get(0);
        Lab.Run rejoin = lab(List.of(Lab.HOME.resolve("mha-rejoin").toString(), "db1", master), Duration.ofSeconds(60));
        assertThat(rejoin.exit()).as(rejoin.stdout() + rejoin.stderr()).isZero();
        Process service = startService();
        long logStart = Files.exists(MANAGER_LOG) ? Files.size(MANAGER_LOG) : 0;
        Process manager = startManager(logStart);
        try {
            Timeline t = Timeline.start(-Integer.parseInt(master.substring(2)));
            cut(master, "host-cut");
            assertThat(manager.waitFor(MHA_LIMIT.toMillis(), TimeUnit.MILLISECONDS)).as("manager done").isTrue();
            String said = logSince(MANAGER_LOG, logStart);
            assertThat(manager.exitValue()).as(said).isZero();
            assertThat(said).contains("cannot reach the old master " + master, "done by the running service");
            t.awaitWrites(Duration.ofSeconds(30));
            List<String> now = holders();
            assertThat(now).as("the cut-off old master still carries its VIP; one other host does")
                    .hasSize(2).contains(master);
            String newMaster = now.stream().filter(h -> !h.equals(master)).findFirst().orElseThrow();
            String newMac = mac(newMaster);
            System.out.println("MhaIT: " + master + " cut off, manager failed over to " + newMaster + " with vipwatch: "
                    + "VIP answers at +" + t.answersMs() + " ms, writes resume at +" + t.writesMs() + " ms");

            int auditBefore = auditLines().size();
            long back = System.nanoTime();
            cut(master, "host-rejoin");
            await("the stale VIP removed from " + master, Duration.ofSeconds(30), () -> !holds(master));
            long goneMs = (System.nanoTime() - back) / 1_000_000;
            await("the observer's ARP entry for the VIP at " + newMaster, Duration.ofSeconds(30),
                    () -> newMac.equals(observerMac()));
            long arpMs = (System.nanoTime() - back) / 1_000_000;
            System.out.println("MhaIT: " + master + " back with the stale VIP: removed after " + goneMs
                    + " ms, the observer's ARP entry at " + newMaster + " after " + arpMs + " ms");
            assertThat(holders()).containsExactly(newMaster);
            // A status published mid-cycle (a rule fired on early facts) has no roles yet, so no expected holder:
            // wait for a complete cycle's.
            await("the status to expect rw on " + newMaster + " by the handover", Duration.ofSeconds(15), () -> {
                JsonNode rw = rwStatus();
                return rw.path("expected_holder").asText().equals(newMaster)
                        && rw.path("handover").path("host").asText().equals(newMaster);
            });
            List<JsonNode> after = auditSince(auditBefore);
            assertThat(after).as("the stale VIP's removal and the announcement from the new master, nothing else")
                    .isNotEmpty()
                    .allSatisfy(l -> {
                        assertThat(l.path("vip").asText()).isEqualTo("rw");
                        assertThat(l.path("host").asText()).isIn(master, newMaster, "local");
                        if (l.path("plan").asText().equals("mha-start")) { // start's later bursts, still under way
                            assertThat(l.path("step").asText()).isEqualTo("announce");
                            assertThat(l.path("host").asText()).isEqualTo(newMaster);
                        } else {
                            assertThat(l.path("plan").asText()).isEqualTo("remove-duplicates");
                        }
                    })
                    .anySatisfy(l -> {
                        assertThat(l.path("host").asText()).isEqualTo(master);
                        assertThat(l.path("command").asText()).isEqualTo("ip addr del " + VIP + "/25 dev eth0");
                        assertThat(l.path("exit_code").asInt()).isZero();
                    });
        } finally {
            cut(master, "host-rejoin");
            stop(manager);
            stop(service);
        }
    }

    @Test
    @Order(6)
    void aHostThatBlackholesSshHoldsNoCallPastItsTimeout() {
        lab(List.of(Lab.HOME.resolve("fault").toString(), "ssh-blackhole", "db2"), Duration.ofSeconds(30));
        List<String> call = List.of("mha", "-c", config.toString(), "--orig_master_host=198.51.100.142",
                "--orig_master_ip=198.51.100.142", "--orig_master_port=3306", "--ssh_user=root");
        // --timeout bounds the work; the rest of each limit below is the JVM starting (well under 3 s here).
        Lab.Run stop = vipwatch(call, "--command=stopssh", "--timeout=4s");
        assertThat(stop.exit()).as(stop.stdout()).isEqualTo(10);
        assertThat(stop.stdout()).contains("cannot reach the old master db2", "Failover continues");
        assertThat(stop.elapsed()).isLessThan(Duration.ofSeconds(4 + 3));

        Lab.Run status = vipwatch(call, "--command=status", "--timeout=4s");
        assertThat(status.exit()).as(status.stdout()).isEqualTo(1);
        assertThat(status.stdout()).contains("cannot read the interfaces of the master db2");
        assertThat(status.elapsed()).isLessThan(Duration.ofSeconds(4 + 3));

        // start onto the blackholed host: its interfaces cannot be read, so nothing is added anywhere.
        Lab.Run start = vipwatch(List.of("mha", "-c", config.toString(), "--orig_master_host=198.51.100.141",
                "--orig_master_ip=198.51.100.141", "--new_master_host=198.51.100.142",
                "--new_master_ip=198.51.100.142", "--ssh_user=root"), "--command=start", "--timeout=4s");
        assertThat(start.exit()).as(start.stdout()).isEqualTo(1);
        // which comes first depends on the SSH connect's retry: the failed read, or the overall deadline
        assertThat(start.stdout()).containsAnyOf("cannot read the interfaces of the new master db2",
                "not done within --timeout 4s");
        assertThat(start.elapsed()).isLessThan(Duration.ofSeconds(4 + 3));
        assertThat(holds("db2")).isFalse();

        // An online switch's stop, with less time than one SSH connect_timeout (2 s): cut at the budget.
        Lab.Run planned = vipwatch(call, "--command=stop", "--orig_master_ssh_user=root", "--timeout=1s");
        assertThat(planned.exit()).as(planned.stdout()).isEqualTo(1);
        assertThat(planned.stdout()).contains("not done within --timeout 1s");
        assertThat(planned.elapsed()).isLessThan(Duration.ofSeconds(1 + 3));
    }

    /** The vipwatch CLI in the MHA lab's watchdog namespace (the test JVM runs in the main lab's). */
    private static Lab.Run vipwatch(List<String> call, String... more) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", PREFIX + "-watch", "java",
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", Lab.JAR.toString()));
        argv.addAll(call);
        argv.addAll(List.of(more));
        return Lab.run(argv, Duration.ofSeconds(60));
    }

    // ---------------------------------------------------------------- helpers

    /** {@code vipwatch run} in the MHA lab's watchdog namespace, once its status API answers. */
    private static Process startService() throws IOException, InterruptedException {
        Path out = DIR.resolve("service.out");
        long from = Files.exists(out) ? Files.size(out) : 0;
        Process service = new ProcessBuilder("ip", "netns", "exec", PREFIX + "-watch", "java", "-jar",
                Lab.JAR.toString(), "run", "-c", config.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile())).start();
        await("the service's status API", Duration.ofSeconds(60),
                () -> logSince(out, from).contains("status API on http"));
        return service;
    }

    /** {@code masterha_manager}, once it watches the master ({@code logStart}: the manager log's size before). */
    private static Process startManager(long logStart) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(Lab.HOME.resolve("mha-run").toString(), "manager",
                "--ignore_last_failover").redirectErrorStream(true).redirectOutput(DIR.resolve("manager.out").toFile());
        env(pb.environment());
        Process manager = pb.start();
        await("the manager to watch the master", Duration.ofSeconds(60), () -> logSince(MANAGER_LOG, logStart)
                .contains("Ping(SELECT) succeeded, waiting until MySQL doesn't respond"));
        return manager;
    }

    /** SIGTERM (the service finishes what is in flight), then SIGKILL after a while. */
    private static void stop(Process p) throws InterruptedException {
        if (p.isAlive()) {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static void cut(String host, String fault) {
        Lab.Run r = lab(List.of(Lab.HOME.resolve("fault").toString(), fault, host), Duration.ofSeconds(30));
        assertThat(r.exit()).as(r.stdout() + r.stderr()).isZero();
    }

    /** The hosts whose eth0 carries the VIP now. */
    private static List<String> holders() {
        List<String> out = new ArrayList<>();
        for (String h : List.of("db1", "db2", "db3")) {
            if (holds(h)) {
                out.add(h);
            }
        }
        return out;
    }

    /** {@code host}'s eth0 MAC. */
    private static String mac(String host) {
        Lab.Run r = Lab.run(List.of("ip", "-n", PREFIX + "-" + host, "-o", "link", "show", "eth0"),
                Duration.ofSeconds(10));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("link/ether (\\S+)").matcher(r.stdout());
        assertThat(m.find()).as(r.stdout()).isTrue();
        return m.group(1);
    }

    /** The MAC the watchdog namespace (the observer, where the service runs) has for the VIP, or "". */
    private static String observerMac() {
        Lab.Run r = Lab.run(List.of("ip", "-n", PREFIX + "-watch", "neigh", "show", VIP, "dev", "eth0"),
                Duration.ofSeconds(10));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("lladdr (\\S+)").matcher(r.stdout());
        return m.find() ? m.group(1) : "";
    }

    private static void env(Map<String, String> env) {
        env.put("VIPWATCH_LAB_PREFIX", PREFIX);
        env.put("VIPWATCH_LAB_DIR", DIR.toString());
    }

    /** A lab script run against the MHA lab. */
    private static Lab.Run lab(List<String> argv, Duration limit) {
        List<String> withEnv = new ArrayList<>(List.of("env", "VIPWATCH_LAB_PREFIX=" + PREFIX,
                "VIPWATCH_LAB_DIR=" + DIR));
        withEnv.addAll(argv);
        return Lab.run(withEnv, limit);
    }

    private static Lab.Run mha(String tool, String... args) {
        List<String> argv = new ArrayList<>(List.of(Lab.HOME.resolve("mha-run").toString(), tool));
        argv.addAll(List.of(args));
        return lab(argv, MHA_LIMIT);
    }

    private static boolean holds(String host) {
        Lab.Run r = Lab.run(List.of("ip", "-n", PREFIX + "-" + host, "-o", "-4", "addr", "show"),
                Duration.ofSeconds(10));
        return r.stdout().contains(" " + VIP + "/");
    }

    private static List<JsonNode> auditLines() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(audit)) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    private static List<JsonNode> auditSince(int from) {
        try {
            List<JsonNode> all = auditLines();
            return all.subList(Math.min(from, all.size()), all.size());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** rw in the service's /api/status, read from inside the MHA lab's watchdog namespace. */
    private static JsonNode rwStatus() {
        Lab.Run r = Lab.run(List.of("ip", "netns", "exec", PREFIX + "-watch", "curl", "-sf", "--max-time", "5",
                "http://127.0.0.1:" + PORT + "/api/status"), Duration.ofSeconds(10));
        try {
            for (JsonNode v : JSON.readTree(r.stdout()).path("vips")) {
                if (v.path("vip").asText().equals("rw")) {
                    return v;
                }
            }
        } catch (IOException e) {
            throw new AssertionError("not JSON from /api/status: " + r.stdout() + r.stderr(), e);
        }
        throw new AssertionError("no rw in /api/status: " + r.stdout());
    }

    private static String logSince(Path log, long offset) {
        try {
            byte[] all = Files.exists(log) ? Files.readAllBytes(log) : new byte[0];
            return new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset),
                    java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static void await(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(50); // polling a condition with a deadline
        }
    }

    /**
     * lab/mha-timeline, started right before a fault, in the MHA lab's watchdog namespace: when SQL through the VIP
     * first answers from the new master, and when the application user's first INSERT succeeds there.
     */
    private static final class Timeline {
        private final long faultMs = System.currentTimeMillis();
        private final Process process;
        private final Path out;

        private Timeline(Process process, Path out) {
            this.process = process;
            this.out = out;
        }

        /** {@code wanted}: the new master's server_id, or minus the old one's (any server but that). */
        static Timeline start(int wanted) throws IOException {
            Path out = Files.createTempFile("mha-timeline", ".txt");
            List<String> argv = new ArrayList<>(List.of("env", "VIPWATCH_LAB_PREFIX=" + PREFIX,
                    "VIPWATCH_LAB_DIR=" + DIR, Lab.HOME.resolve("mha-timeline").toString(),
                    wanted > 0 ? "--server-id=" + wanted : "--not-server-id=" + -wanted, "--limit=110"));
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            return new Timeline(p, out);
        }

        private Map<String, String[]> lines;

        void awaitWrites(Duration limit) throws InterruptedException, IOException {
            boolean done = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                process.destroy();
                process.waitFor(5, TimeUnit.SECONDS);
            }
            String text = Files.readString(out);
            Files.delete(out);
            lines = new HashMap<>();
            text.lines().map(l -> l.trim().split("\\s+")).filter(f -> f.length >= 2).forEach(f -> lines.put(f[0], f));
            assertThat(lines).as("SQL through the VIP answered from the new master, then a write succeeded:\n" + text)
                    .containsKeys("answers", "writes");
        }

        long answersMs() {
            return Long.parseLong(lines.get("answers")[1]) - faultMs;
        }

        long writesMs() {
            return Long.parseLong(lines.get("writes")[1]) - faultMs;
        }

        int answeredBy() {
            return Integer.parseInt(lines.get("answers")[2]);
        }
    }
}
