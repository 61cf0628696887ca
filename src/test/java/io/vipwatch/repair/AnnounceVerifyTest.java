package io.vipwatch.repair;

import static org.assertj.core.api.Assertions.assertThat;

import io.vipwatch.config.RepairSettings;
import io.vipwatch.config.RepairSettings.Burst;
import io.vipwatch.remote.CommandResult.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gratuitous-ARP schedule, and verify's polling. */
class AnnounceVerifyTest {
    private static final String VIP = " 198.51.100.100; echo vipwatch-rc=$?";

    @TempDir
    Path dir;

    @Test
    void burstsFollowTheScheduleAlternatingBothFormsAcrossBursts() {
        Harness h = new Harness(dir);
        h.settings = new RepairSettings(false, 4, Duration.ofSeconds(5), RepairSettings.DEFAULT_GUARD_WINDOW, List.of(new Burst(3, Duration.ofMillis(1100)),
                new Burst(2, Duration.ofSeconds(2)), new Burst(1, Duration.ZERO)));
        RepairOutcome o = h.repair("reannounce", new Fixture());
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.SUCCEEDED);
        assertThat(h.runner.calls).containsExactly(
                "db1: " + packet("-U") + "; " + packet("-A") + "; " + packet("-U"),
                "db1: " + packet("-A") + "; " + packet("-U"),
                "db1: " + packet("-A"));
        assertThat(h.time.sleeps).containsExactly(Duration.ofMillis(1100), Duration.ofSeconds(2));
        // Each burst: the step timeout for SSH plus each packet's own 200 ms bound.
        assertThat(h.runner.timeouts).containsExactly(Duration.ofMillis(5600), Duration.ofMillis(5400),
                Duration.ofMillis(5200));
    }

    @Test
    void laterBurstsFollowTheVerifiedRepairAndANewRepairOfTheVipCancelsThem() throws Exception {
        Harness h = new Harness(dir);
        List<Duration> delays = new java.util.ArrayList<>();
        java.util.Deque<java.util.concurrent.FutureTask<Void>> queued = new java.util.ArrayDeque<>();
        h.afterwards = Afterwards.of((delay, task) -> {
            delays.add(delay);
            java.util.concurrent.FutureTask<Void> f = new java.util.concurrent.FutureTask<>(task, null);
            queued.add(f);
            return f;
        });
        RepairOutcome o = h.repair("reannounce", new Fixture());
        // The repair is judged after the first burst: verify ran, the rest waits its turn.
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.SUCCEEDED);
        assertThat(h.reprobes).hasSize(1);
        assertThat(h.runner.calls).containsExactly("db1: " + packet("-U") + "; " + packet("-A"));
        assertThat(o.steps().get(0).detail()).endsWith("; bursts 2-3 follow in the background");
        assertThat(h.time.sleeps).isEmpty();
        assertThat(delays).containsExactly(Duration.ofMillis(1100));

        queued.poll().run();                                   // burst 2, then burst 3 is queued after 2 s
        assertThat(h.runner.calls).hasSize(2).last().isEqualTo("db1: " + packet("-U") + "; " + packet("-A"));
        assertThat(delays).containsExactly(Duration.ofMillis(1100), Duration.ofSeconds(2));

        h.repair("reannounce", new Fixture());                 // a new repair of the VIP: burst 3 never goes out
        assertThat(queued.poll().isCancelled()).isTrue();
        List<String> audited = stepResultDetail(h);
        assertThat(audited).contains("announce ok sent burst 2/3: 2 gratuitous ARP [-U, -A] from db1 eth0, then "
                + "wait 2000ms", "announce skipped burst 3/3 not sent: a new repair of this VIP started");
    }

    @Test
    void aLaterBurstThatFailsStopsTheTailAndSaysSo() throws Exception {
        Harness h = new Harness(dir);
        java.util.Deque<Runnable> queued = new java.util.ArrayDeque<>();
        h.afterwards = Afterwards.of((delay, task) -> {
            queued.add(task);
            return new java.util.concurrent.CompletableFuture<>();
        });
        RepairOutcome o = h.repair("reannounce", new Fixture());
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.SUCCEEDED);
        // Meanwhile the VIP left db1: arping cannot bind its address there any more.
        h.runner.answer("db1", "arping -q", Outcome.COMPLETED, 0, "vipwatch-rc=2\nvipwatch-rc=2\n",
                "arping: bind: Cannot assign requested address\n");
        queued.poll().run();
        assertThat(queued).isEmpty();
        List<String> audited = stepResultDetail(h);
        assertThat(audited).contains("announce failed could not send burst 2/3: 2 gratuitous ARP [-U, -A] from db1 "
                + "eth0, then wait 2000ms", "announce skipped burst 3/3 not sent: burst 2 failed");
    }

    /** "step result detail" of every audit line so far. */
    private static List<String> stepResultDetail(Harness h) throws java.io.IOException {
        return h.auditLines().stream()
                .map(a -> a.get("step").asText() + " " + a.get("result").asText() + " " + a.get("detail").asText())
                .toList();
    }

    @Test
    void aPacketThatCouldNotBeSentFailsTheRepair() {
        Harness h = new Harness(dir);
        h.runner.answer("db1", "arping -q", Outcome.COMPLETED, 0,
                "vipwatch-rc=124\nvipwatch-rc=2\n", "arping: bind: Cannot assign requested address\n");
        RepairOutcome o = h.repair("reannounce", new Fixture());
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.FAILED);
        assertThat(o.detail()).startsWith("announce: could not send burst 1/3");
        assertThat(o.steps().get(0).output()).contains("Cannot assign requested address");
        assertThat(h.time.sleeps).isEmpty();
    }

    @Test
    void verifyPollsEvery200msAndFailsWhenTheProblemPersists() {
        Harness h = new Harness(dir);
        h.problemGone = f -> false;
        RepairOutcome o = h.repair("remove-duplicates", new Fixture().holders("db1", "db2"));
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.FAILED);
        // Instant probes: one every 200 ms within the 5 s step timeout.
        assertThat(h.reprobes).hasSize(25);
        assertThat(h.time.sleeps.subList(2, h.time.sleeps.size())).hasSize(24)
                .allMatch(d -> d.equals(Duration.ofMillis(200)));
        assertThat(o.detail()).isEqualTo("verify: some-rule persists after 25 probe(s) over 4800ms (step_timeout "
                + "5000ms; last: still present)");
        assertThat(o.steps().get(o.steps().size() - 1).result()).isEqualTo("failed");
    }

    @Test
    void slowProbesAreNotFollowedBySleepsAndStillEndAtTheLimit() {
        Harness h = new Harness(dir);
        h.problemGone = f -> {
            h.time.advance(Duration.ofMillis(700)); // the probe cycle's own time
            return false;
        };
        RepairOutcome o = h.repair("reannounce", new Fixture());
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.FAILED);
        assertThat(h.reprobes).hasSize(8);
        assertThat(h.time.sleeps).containsExactly(Duration.ofMillis(1100), Duration.ofSeconds(2));
    }

    @Test
    void verifySucceedsAsSoonAsTheProblemIsGone() {
        Harness h = new Harness(dir);
        AtomicInteger probes = new AtomicInteger();
        h.problemGone = f -> probes.incrementAndGet() == 3;
        RepairOutcome o = h.repair("reannounce", new Fixture());
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.SUCCEEDED);
        assertThat(h.reprobes).hasSize(3);
        assertThat(o.steps().get(o.steps().size() - 1).detail()).isEqualTo("some-rule is gone (probe 3, 400ms)");
        assertThat(o.detail()).isEqualTo("all 3 step(s) done; some-rule is gone (probe 3, 400ms)");
    }

    @Test
    void aProbeThatThrowsIsNotTakenAsSuccess() {
        Harness h = new Harness(dir);
        h.problemGone = f -> {
            throw new IllegalStateException("probe executor shut down");
        };
        RepairOutcome o = h.repair("reannounce", new Fixture());
        assertThat(o.result()).isEqualTo(RepairOutcome.Result.FAILED);
        assertThat(o.detail()).endsWith("last: re-probe failed: java.lang.IllegalStateException: probe executor "
                + "shut down)");
    }

    private static String packet(String form) {
        return "timeout -s INT 0.2 arping -q -c 1 " + form + " -I eth0" + VIP;
    }
}
