package io.vipwatch.lab;

import static io.vipwatch.lab.Lab.RW;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vipwatch.testing.HookReceiver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Several vipwatch instances on one clustered JDBC job store (the lab's store host, {@code lab/store-up}): every
 * fault repaired exactly once across the instances' audit logs, a killed instance's VIPs picked up by the other,
 * a frozen lease holder's stale repair refused, and no repair at all while the job store is down.
 */
class ClusterIT {
    private static final String STORE = "198.51.100.200";
    private static final Duration HEAL = Duration.ofSeconds(20);
    /**
     * Appended to each test's fleet name: a fleet's shared state (repair attempts within a window, say) outlives
     * its instances, and a reused lab's job store must not hand one run's attempts to the next.
     */
    private static final String RUN = "-" + Long.toString(System.currentTimeMillis() % 46_656_000L, 36);
    private final List<Service> started = new ArrayList<>();

    @AfterEach
    void stopAll(TestInfo test) throws Exception {
        for (Service s : started) {
            if (s.process.isAlive()) {
                s.signal("CONT");
            }
            s.close();
        }
        keepLogs(test.getTestMethod().orElseThrow().getName());
        Lab.run(List.of(Lab.HOME.resolve("store-start").toString()), Duration.ofSeconds(30));
        Lab.heal();
    }

    /**
     * The lab directory goes at teardown: each instance's log and audit log are copied to
     * {@code target/cluster-logs/TEST/}, to read after a failure.
     */
    private void keepLogs(String test) throws IOException {
        Path to = Path.of("target", "cluster-logs", test);
        Files.createDirectories(to);
        for (Service s : started) {
            for (Path p : List.of(s.log, s.audit)) {
                if (Files.exists(p)) {
                    Files.copy(p, to.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /**
     * The bundled rules, changed for one fault injected twenty times in a few minutes: 100 repair attempts per
     * window for every repairable rule (the bundled limit, 3 in 10 minutes, rightly stops a fault that keeps coming
     * back), and {@code for: 2} on vip-missing and duplicate-holders as vip-misplaced has it. Moving the VIP to
     * another host takes two commands on two hosts, and an event-driven cycle can see the step between (two holders,
     * or none) and repair that instead: real, but not the fault this test injected and counts.
     */
    private static Path rulesForRepeatedFaults() throws IOException {
        Path dir = Lab.DIR.resolve("rules-repeated-faults");
        deleteTree(dir);
        Files.createDirectories(dir);
        Path bundled = Lab.HOME.resolveSibling("rules");
        try (var files = Files.list(bundled)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        Path rules = dir.resolve("vip-rules.yml");
        String text = Files.readString(rules).replaceAll("(?m)^    max_attempts: .*\\n", "")
                .replaceAll("(?m)^(    repair: .*\\n)", "$1    max_attempts: 100\n")
                .replaceAll("(?m)^(    repair: (restore-vip|remove-duplicates)\\n)", "$1    for: 2\n");
        assertThat(text).contains("max_attempts: 100").doesNotContain("max_attempts: 3");
        assertThat(text.split("    for: 2\n", -1)).as("for: 2 on three rules").hasSize(4);
        Files.writeString(rules, text);
        return dir;
    }

    private List<Service> fleet(String fleet, String interval, String checkin, String lease) throws Exception {
        return fleet(fleet, interval, checkin, lease, Map.of());
    }

    /**
     * Two members of fleet {@code fleet}, each with its own port, audit log and state directory; {@code more}
     * replaces text in the lab's config too.
     */
    private List<Service> fleet(String fleet, String interval, String checkin, String lease, Map<String, String> more)
            throws Exception {
        List<Service> out = new ArrayList<>();
        for (String member : List.of("a", "b")) {
            String name = fleet + "-" + member;
            Path state = Lab.DIR.resolve(name + "-state");
            deleteTree(state);
            String section = """
                    state_dir: %s
                    repairs:
                      step_timeout: 2s
                    scheduler:
                      store: jdbc
                      dsn: mysql://%s/vipwatch_jobs
                      user: vipwatch
                      password_file: %s
                      name: %s%s
                      instance_id: %s
                      checkin_interval: %s
                      repair_lease: %s
                    probes:
                      interval: %s
                    """.formatted(state, STORE, Lab.DIR.resolve("store.pw"), fleet, RUN, name, checkin, lease,
                    interval);
            Map<String, String> replacements = new LinkedHashMap<>(more);
            replacements.put("probes:\n  interval: 1s\n", section);
            Service s = Service.startMember(name, member.equals("a") ? 9331 : 9332, replacements);
            started.add(s);
            out.add(s);
        }
        return out;
    }

    @Test
    void twentyFaultsOfEachRepairableKindAreRepairedExactlyOnceAcrossTwoInstances() throws Exception {
        String bundledRules = "rules: " + Lab.HOME.resolveSibling("rules") + "\n";
        List<Service> members = fleet("exactly-once", "1s", "1s", "4s",
                Map.of(bundledRules, "rules: " + rulesForRepeatedFaults() + "\n"));
        awaitTrue("a first cycle of rw in the job store", HEAL, () -> version("exactly-once") > 0, members);
        Map<String, Runnable> kinds = new LinkedHashMap<>();
        kinds.put("vip-missing", () -> Lab.fault("vip-del", "db1", RW));
        // ip addr add without lab/fault's gratuitous ARP: db3's announce would make an arp-stale fault of its own
        // in every round, and twenty of them in a row use up arp-stale's repair attempts (repair-exhausted)
        kinds.put("duplicate-holders", () -> assertThat(Lab.run(List.of("ip", "netns", "exec", Lab.ns("db3"), "ip",
                "addr", "add", RW + "/25", "dev", "eth0"), Duration.ofSeconds(5)).exit()).isZero());
        // one shell, so that the step between (two holders) lasts milliseconds: no two cycles in a row see it
        kinds.put("vip-misplaced", () -> assertThat(Lab.run(List.of("bash", "-c", "ip netns exec " + Lab.ns("db3")
                + " ip addr add " + RW + "/25 dev eth0 && ip netns exec " + Lab.ns("db1") + " ip addr del " + RW
                + "/25 dev eth0"), Duration.ofSeconds(5)).exit()).isZero());
        Map<String, Integer> repaired = new LinkedHashMap<>();
        Set<String> repairedBy = new LinkedHashSet<>();
        for (int round = 1; round <= 20; round++) {
            for (Map.Entry<String, Runnable> kind : kinds.entrySet()) {
                int[] marks = members.stream().mapToInt(s -> s.audit().size()).toArray();
                kind.getValue().run();
                awaitTrue("round " + round + ", " + kind.getKey() + ": rw on db1 alone, the watchdog's ARP entry "
                        + "for it db1's", HEAL, ClusterIT::healthy, members);
                // Quiet: no lease held and two more versions of rw's shared state after that (each cycle and each
                // grant makes one), and still healthy: a second repair of the fault, if any, would have run by then.
                awaitTrue("no repair lease held on rw", HEAL, () -> row("exactly-once", "LEASE_HOLDER").isEmpty(),
                        members);
                long v = version("exactly-once");
                awaitTrue("two more versions of rw, no lease held, healthy", HEAL,
                        () -> version("exactly-once") >= v + 2 && row("exactly-once", "LEASE_HOLDER").isEmpty()
                                && healthy(), members);
                // A repair counts when it changed something (a command that succeeded). Refused plans and attempts
                // that failed are not repairs; e.g. an arp-stale re-announce that the next injection overtook.
                Map<String, Set<String>> repairsByRule = new LinkedHashMap<>();
                for (int i = 0; i < members.size(); i++) {
                    for (JsonNode line : members.get(i).repairsStartedAfter(marks[i])) {
                        if (line.get("vip").asText().equals("rw") && line.get("result").asText().equals("ok")
                                && line.get("exit_code").isNumber()) {
                            repairsByRule.computeIfAbsent(line.get("rule").asText(), r -> new LinkedHashSet<>())
                                    .add(line.get("repair_id").asText());
                            assertThat(line.get("fencing_token").isNumber()).as("fencing token in " + line).isTrue();
                        }
                    }
                    if (!members.get(i).repairsStartedAfter(marks[i]).isEmpty()) {
                        repairedBy.add(members.get(i).config.getFileName().toString());
                    }
                }
                assertThat(repairsByRule.get(kind.getKey())).as("round %d: repairs of %s: %s", round, kind.getKey(),
                        repairsByRule).hasSize(1);
                int thisRound = round;
                repairsByRule.forEach((rule, ids) -> assertThat(ids).as("round %d: %s repaired more than once",
                        thisRound, rule).hasSize(1));
                repaired.merge(kind.getKey(), 1, Integer::sum);
            }
        }
        System.out.printf("ClusterIT: repaired exactly once each: %s; repairs ran on %s%n", repaired, repairedBy);
        assertThat(repaired).containsOnly(Map.entry("vip-missing", 20), Map.entry("duplicate-holders", 20),
                Map.entry("vip-misplaced", 20));
    }

    @Test
    void theVipsOfAnInstanceKilledMidCycleAreProbedByTheOtherWithinCheckinPlusTwoIntervals() throws Exception {
        List<Service> members = fleet("takeover", "2s", "1s", "4s");
        // kill -9 the instance that is running rw's cycle right now (Quartz's fired-trigger row says which)
        Optional<String> runner = Optional.empty();
        long deadline = System.nanoTime() + HEAL.toNanos();
        while (runner.isEmpty() && System.nanoTime() < deadline) {
            runner = executing("takeover", "lab/rw");
            if (runner.isEmpty()) {
                Thread.sleep(5); // polling a condition with a deadline
            }
        }
        assertThat(runner).as("a cycle of rw seen running").isPresent();
        String running = runner.get();
        Service victim = members.stream().filter(s -> s.config.getFileName().toString().equals(running + ".yml"))
                .findFirst().orElseThrow();
        Service survivor = members.get(members.indexOf(victim) == 0 ? 1 : 0);
        String survivorId = running.equals("takeover-a") ? "takeover-b" : "takeover-a";
        long v = version("takeover");
        long killedAt = System.nanoTime();
        victim.kill();
        awaitTrue("a cycle of rw by " + survivorId, Duration.ofSeconds(15),
                () -> version("takeover") > v && survivorId.equals(updatedBy("takeover")), List.of(survivor));
        long tookMs = (System.nanoTime() - killedAt) / 1_000_000;
        System.out.printf("ClusterIT: rw's cycle taken over %d ms after kill -9 of %s (bound: check-in 1 s + 2 x "
                + "interval 2 s = 5000 ms)%n", tookMs, running);
        assertThat(tookMs).as("takeover after kill -9, ms").isLessThanOrEqualTo(5000);

        // and the survivor repairs on its own
        int mark = survivor.audit().size();
        Lab.fault("vip-del", "db1", RW);
        awaitTrue("rw back on db1", HEAL, ClusterIT::healthy, List.of(survivor));
        assertThat(survivor.repairsStartedAfter(mark)).anySatisfy(a -> {
            assertThat(a.get("step").asText()).isEqualTo("add-vip");
            assertThat(a.get("result").asText()).isEqualTo("ok");
        });
    }

    @Test
    void aLeaseHolderFrozenPastItsLeaseHasItsRepairRefusedAndTheFaultIsRepairedOnce() throws Exception {
        List<Service> members = fleet("frozen", "1s", "1s", "3s");
        awaitTrue("a first cycle of rw in the job store", HEAL, () -> version("frozen") > 0, members);
        int[] marks = members.stream().mapToInt(s -> s.audit().size()).toArray();
        Lab.fault("vip-del", "db1", RW);
        // Freeze whichever instance starts the repair, right after its first step (check-link): before add-vip.
        Service frozen = null;
        long deadline = System.nanoTime() + HEAL.toNanos();
        while (frozen == null && System.nanoTime() < deadline) {
            for (int i = 0; i < members.size() && frozen == null; i++) {
                if (members.get(i).repairsStartedAfter(marks[i]).stream()
                        .anyMatch(a -> a.get("step").asText().equals("check-link"))) {
                    frozen = members.get(i);
                    frozen.signal("STOP");
                }
            }
            if (frozen == null) {
                Thread.sleep(5); // polling a condition with a deadline
            }
        }
        assertThat(frozen).as("a repair started").isNotNull();
        Service other = members.get(members.indexOf(frozen) == 0 ? 1 : 0);
        int frozenIndex = members.indexOf(frozen);
        int otherIndex = members.indexOf(other);
        awaitTrue("the other instance repaired rw", HEAL, ClusterIT::healthy, List.of(other));
        frozen.signal("CONT");
        Service resumed = frozen;
        awaitTrue("the resumed instance's repair stopped, refused", HEAL,
                () -> resumed.repairsStartedAfter(marks[frozenIndex]).stream()
                        .anyMatch(a -> a.get("result").asText().equals("refused")), members);
        List<JsonNode> stale = resumed.repairsStartedAfter(marks[frozenIndex]);
        List<JsonNode> fresh = other.repairsStartedAfter(marks[otherIndex]);
        long staleEpoch = stale.get(0).get("fencing_token").asLong();
        long freshEpoch = fresh.stream().filter(a -> a.get("step").asText().equals("add-vip")).findFirst()
                .orElseThrow(() -> new AssertionError("no add-vip by the other instance: " + fresh))
                .get("fencing_token").asLong();
        assertThat(freshEpoch).as("the other instance's lease epoch").isGreaterThan(staleEpoch);
        assertThat(stale).as("the frozen instance added nothing").noneSatisfy(a -> {
            assertThat(a.get("step").asText()).isEqualTo("add-vip");
            assertThat(a.get("result").asText()).isEqualTo("ok");
        });
        // Refused by the fence ("lease epoch N ran out") when the freeze fell between two commands; by the guard's
        // own timeout when it fell during arping -D. Either way: nothing changed.
        assertThat(stale).anySatisfy(a -> assertThat(a.get("result").asText()).isEqualTo("refused"));
        System.out.printf("ClusterIT: frozen holder's repair (epoch %d) refused on resume: %s%n", staleEpoch,
                stale.stream().filter(a -> a.get("result").asText().equals("refused")).findFirst()
                        .map(a -> a.get("detail").asText()).orElse("?"));
        assertOneAddAfterTwoMoreCycles("frozen", members, marks);
    }

    @Test
    void withTheJobStoreDownNothingIsRepairedButProbingAndTheAlertGoOnAndRepairsResumeWhenItIsBack()
            throws Exception {
        List<Service> members = fleet("store-down", "2s", "1s", "4s");
        awaitTrue("a first cycle of rw in the job store", HEAL, () -> version("store-down") > 0, members);
        int[] marks = members.stream().mapToInt(s -> s.audit().size()).toArray();
        Lab.run(List.of(Lab.HOME.resolve("store-stop").toString()), Duration.ofSeconds(30));
        for (Service s : members) {
            s.await("degraded mode in /api/status", HEAL,
                    x -> !x.status().get("fleet").get("job_store_up").asBoolean()
                            && activeProblems(x, "rw").contains("job-store-unreachable"));
            assertThat(metric(s, "vipwatch_job_store_up")).isEqualTo("0.0");
        }
        Lab.fault("vip-del", "db1", RW);
        for (Service s : members) {
            s.await("vip-missing seen while degraded", HEAL, x -> activeProblems(x, "rw").contains("vip-missing"));
        }
        // Probing goes on: each instance completes three more cycles of rw, and still nobody repairs.
        for (Service s : members) {
            long cycles = Lab.vip(s.status(), "rw").get("cycles").asLong();
            s.await("three more cycles", HEAL, x -> Lab.vip(x.status(), "rw").get("cycles").asLong() >= cycles + 3);
        }
        for (Service s : members) {
            assertThat(s.status().get("fleet").get("repairs").asText()).contains("suspended");
        }
        assertThat(Lab.holds("db1", RW)).as("rw still missing while the job store is down").isFalse();
        for (int i = 0; i < members.size(); i++) {
            assertThat(members.get(i).repairsStartedAfter(marks[i])).as("repairs while degraded").isEmpty();
        }
        long startedAt = System.nanoTime();
        Lab.run(List.of(Lab.HOME.resolve("store-start").toString()), Duration.ofSeconds(30));
        long backAt = System.nanoTime(); // store-start returns once the store accepts the watchdog's login
        awaitTrue("rw repaired once the job store is back", HEAL, () -> Lab.holds("db1", RW), members);
        long repairedMs = (System.nanoTime() - backAt) / 1_000_000;
        System.out.printf("ClusterIT: job store accepting logins again -> rw back on db1 after %d ms (probe "
                + "interval 2000 ms; MariaDB's start took %d ms before that)%n", repairedMs,
                (backAt - startedAt) / 1_000_000);
        assertThat(repairedMs).as("ms from the job store's return to the repair, at most one probe interval")
                .isLessThanOrEqualTo(2000);
        awaitTrue("rw healthy again", HEAL, ClusterIT::healthy, members);
        long v = version("store-down");
        awaitTrue("two more cycles of rw", HEAL, () -> version("store-down") >= v + 2, members);
        Set<String> restores = new LinkedHashSet<>();
        for (int i = 0; i < members.size(); i++) {
            members.get(i).repairsStartedAfter(marks[i]).stream().filter(a -> a.get("rule").asText()
                    .equals("vip-missing")).forEach(a -> restores.add(a.get("repair_id").asText()));
        }
        assertThat(restores).as("repairs of vip-missing after the job store came back").hasSize(1);
        for (Service s : members) {
            s.await("degraded mode over", HEAL, x -> x.status().get("fleet").get("job_store_up").asBoolean()
                    && !activeProblems(x, "rw").contains("job-store-unreachable"));
        }
    }

    /**
     * A fleet's silences are in the job store: one added with {@code vipwatch silence add} against either
     * instance's config holds on both (neither repairs), and once it is expired through the other one, the fault is
     * repaired exactly once.
     */
    @Test
    void aSilenceAddedThroughOneInstancesConfigHoldsOnBothAndItsExpiryThroughTheOtherResumesRepairs()
            throws Exception {
        List<Service> members = fleet("silenced", "1s", "1s", "4s");
        Lab.Run add = Lab.vipwatch("silence", "add", "--config", members.get(0).config.toString(), "--cluster", "lab",
                "--vip", "rw", "--for", "10m", "--reason", "planned switch");
        assertThat(add.exit()).as(add.stderr()).isZero();
        // Each instance's status lists the silences its cycles honour (rw itself may run on either instance).
        for (Service s : members) {
            s.await("lab/rw silenced on " + s.config.getFileName(), HEAL, x -> silenceOf(x, "lab/rw").isPresent());
        }
        String id = silenceOf(members.get(0), "lab/rw").orElseThrow();
        assertThat(add.stdout()).contains(id);
        assertThat(silenceOf(members.get(1), "lab/rw")).contains(id);
        int[] marks = members.stream().mapToInt(s -> s.audit().size()).toArray();
        Lab.fault("vip-del", "db1", RW);
        awaitTrue("vip-missing seen while silenced", HEAL, () -> members.stream()
                .anyMatch(s -> activeProblems(s, "rw").contains("vip-missing")), members);
        long v = version("silenced");
        awaitTrue("four more cycles of rw in the fleet", HEAL, () -> version("silenced") >= v + 4, members);
        assertThat(Lab.holds("db1", RW)).as("not repaired while silenced").isFalse();
        for (int i = 0; i < members.size(); i++) {
            assertThat(members.get(i).repairsStartedAfter(marks[i])).as("repairs while silenced").isEmpty();
        }

        Lab.Run expire = Lab.vipwatch("silence", "expire", "--config", members.get(1).config.toString(), id);
        assertThat(expire.exit()).as(expire.stdout() + expire.stderr()).isZero();
        awaitTrue("rw repaired after the silence ended", HEAL, ClusterIT::healthy, members);
        assertOneAddAfterTwoMoreCycles("silenced", members, marks);
        Lab.Run list = Lab.vipwatch("silence", "list", "--all", "--json", "--config", members.get(0).config.toString());
        assertThat(list.stdout()).contains(id, "job store " + STORE);

        // A member reloaded (SIGHUP) rejoins with a new membership of its own, and the fleet repairs as before.
        Service reloaded = members.get(0);
        reloaded.signal("HUP");
        reloaded.await("reload on SIGHUP", HEAL, x -> x.status().get("reloads").get("ok").asInt() == 1
                && x.status().get("fleet").get("job_store_up").asBoolean());
        int[] again = members.stream().mapToInt(s -> s.audit().size()).toArray();
        Lab.fault("vip-del", "db1", RW);
        awaitTrue("rw repaired after the reload", HEAL, ClusterIT::healthy, members);
        assertOneAddAfterTwoMoreCycles("silenced", members, again);
    }

    /**
     * A notification queued by an instance that dies before it could deliver (its webhook failing) is adopted from
     * the job store by the other instance, once its claim ran out, and delivered from there.
     */
    @Test
    void aNotificationAnInstanceCouldNotDeliverBeforeItDiedIsDeliveredByTheOther() throws Exception {
        try (HookReceiver hooks = new HookReceiver()) {
            hooks.answer(500);
            Path channels = Lab.DIR.resolve("outbox-channels.yml");
            Files.writeString(channels, """
                    defaults:
                      channels: [hook]
                    delivery: { initial_backoff: 1s, max_backoff: 2s, max_age: 1h }
                    channels:
                      hook:
                        type: webhook
                        url: %s
                        timeout: 2s
                    """.formatted(hooks.url("/hook")));
            String bundledRules = "rules: " + Lab.HOME.resolveSibling("rules") + "\n";
            List<Service> members = fleet("outbox", "1s", "1s", "4s",
                    Map.of(bundledRules, bundledRules + "alerts:\n  channels: " + channels + "\n"));
            Lab.fault("vip-del", "db1", RW);
            // the vip-missing notification, refused by the hook at least once: still pending, claimed by its queuer
            awaitTrue("a notification of vip-missing refused by the webhook", HEAL, () -> hooks.requests().stream()
                    .anyMatch(r -> r.answered() == 500 && r.body().contains("vip-missing")), members);
            Map<String, String> pending = outbox("outbox");
            assertThat(pending).as("pending notifications in the job store").isNotEmpty();
            String id = pending.entrySet().stream().filter(e -> hooks.requests().stream()
                    .anyMatch(r -> r.body().contains(e.getKey()))).map(Map.Entry::getKey).findFirst().orElseThrow();
            String queuer = pending.get(id);
            Service victim = members.stream().filter(s -> s.config.getFileName().toString().equals(queuer + ".yml"))
                    .findFirst().orElseThrow();
            Service survivor = members.get(members.indexOf(victim) == 0 ? 1 : 0);
            victim.kill();
            hooks.answer(200);
            long killedAt = System.nanoTime();
            awaitTrue("notification " + id + " delivered after " + queuer + " died", Duration.ofSeconds(60),
                    () -> hooks.accepted("/hook").stream().anyMatch(r -> r.body().contains(id)), List.of(survivor));
            System.out.printf("ClusterIT: notification %s of killed %s delivered by the other instance %d ms after "
                    + "the kill (claim: 3 x 5 s outbox reads)%n", id, queuer,
                    (System.nanoTime() - killedAt) / 1_000_000);
            assertThat(Files.readString(survivor.log))
                    .contains("adopted notification " + id + " of instance " + queuer);
            awaitTrue("the delivered notification gone from the job store", HEAL,
                    () -> !outbox("outbox").containsKey(id), List.of(survivor));
        }
    }

    /**
     * Two more cycles of rw in {@code fleet} (a second repair, if any, would have run by then), and exactly one
     * {@code add-vip} that succeeded over all audit logs since {@code marks}.
     */
    private static void assertOneAddAfterTwoMoreCycles(String fleet, List<Service> members, int[] marks)
            throws Exception {
        long v = version(fleet);
        awaitTrue("two more cycles of rw", HEAL, () -> version(fleet) >= v + 2, members);
        long adds = members.stream().flatMap(s -> s.repairsStartedAfter(marks[members.indexOf(s)]).stream())
                .filter(a -> a.get("step").asText().equals("add-vip") && a.get("result").asText().equals("ok"))
                .count();
        assertThat(adds).as("add-vip over both audit logs").isEqualTo(1);
    }

    /** The id of the silence in force for {@code scope} on this instance, if any. */
    private static Optional<String> silenceOf(Service s, String scope) {
        for (JsonNode silence : s.status().path("silences")) {
            if (silence.path("scope").asText().equals(scope)) {
                return Optional.of(silence.get("id").asText());
            }
        }
        return Optional.empty();
    }

    private static List<String> activeProblems(Service s, String vip) {
        List<String> out = new ArrayList<>();
        for (JsonNode v : s.status().get("vips")) {
            if (v.get("vip").asText().equals(vip)) {
                v.path("active_problems").forEach(p -> out.add(p.get("name").asText()));
            }
        }
        return out;
    }

    private static String metric(Service s, String name) throws Exception {
        var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + s.port + "/metrics")).timeout(Duration.ofSeconds(5))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        return r.body().lines().filter(l -> l.startsWith(name + " ")).map(l -> l.substring(name.length() + 1))
                .findFirst().orElse("absent");
    }

    /** rw on db1 alone, and the watchdog's neighbour entry for it names db1's MAC. */
    private static boolean healthy() {
        return Lab.holds("db1", RW) && !Lab.holds("db2", RW) && !Lab.holds("db3", RW)
                && Lab.watchdogNeighbour(RW).contains(CheckIT.MAC_DB1);
    }

    private static void awaitTrue(String what, Duration limit, BooleanSupplier condition, List<Service> members) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            for (Service s : members) {
                assertThat(s.process.isAlive()).as(s.config + " died:\n" + s.logTail()).isTrue();
            }
            try {
                Thread.sleep(50); // polling a condition with a deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        StringBuilder logs = new StringBuilder();
        members.forEach(s -> logs.append("\n--- ").append(s.config).append('\n').append(s.logTail()));
        throw new AssertionError("not within " + limit + ": " + what + logs);
    }

    private static Connection store() throws Exception {
        Properties p = new Properties();
        p.setProperty("user", "vipwatch");
        p.setProperty("password", Files.readString(Lab.DIR.resolve("store.pw")).strip());
        p.setProperty("connectTimeout", "2000");
        p.setProperty("socketTimeout", "5000");
        return DriverManager.getConnection("jdbc:mysql://" + STORE + ":3306/vipwatch_jobs", p);
    }

    /** VIPWATCH_VIPS.VERSION of lab/rw in {@code fleet}: it grows with every cycle and every lease grant. */
    /** id → owning instance of each notification pending in {@code fleet}'s shared outbox. */
    private static Map<String, String> outbox(String fleet) {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = store(); PreparedStatement p = c.prepareStatement(
                "SELECT ID, OWNER FROM VIPWATCH_OUTBOX WHERE SCHED_NAME = ? ORDER BY ID")) {
            p.setString(1, fleet + RUN);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.put(r.getString(1), r.getString(2));
                }
            }
        } catch (Exception e) {
            throw new AssertionError("cannot read the job store: " + e, e);
        }
        return out;
    }

    private static long version(String fleet) {
        return row(fleet, "VERSION").map(Long::parseLong).orElse(-1L);
    }

    private static String updatedBy(String fleet) {
        return row(fleet, "UPDATED_BY").orElse("");
    }

    private static Optional<String> row(String fleet, String column) {
        try (Connection c = store(); PreparedStatement p = c.prepareStatement("SELECT " + column
                + " FROM VIPWATCH_VIPS WHERE SCHED_NAME = ? AND VIP_KEY = 'lab/rw'")) {
            p.setString(1, fleet + RUN);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? Optional.ofNullable(r.getString(1)) : Optional.empty();
            }
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** The instance Quartz's fired-trigger table shows executing {@code job} now. */
    private static Optional<String> executing(String fleet, String job) throws Exception {
        try (Connection c = store(); PreparedStatement p = c.prepareStatement("SELECT INSTANCE_NAME FROM "
                + "QRTZ_FIRED_TRIGGERS WHERE SCHED_NAME = ? AND JOB_NAME = ? AND STATE = 'EXECUTING'")) {
            p.setString(1, fleet + RUN);
            p.setString(2, job);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        if (Files.exists(dir)) {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
