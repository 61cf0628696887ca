package io.vipwatch.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vipwatch.config.AlertChannels;
import io.vipwatch.testing.FakeClock;
import java.io.IOException;
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
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DispatcherTest {
    static final Duration DEADLINE = Duration.ofSeconds(5);
    static final AlertChannels.Delivery POLICY = new AlertChannels.Delivery(Duration.ofSeconds(1),
            Duration.ofSeconds(5), Duration.ofHours(1));

    @TempDir
    Path dir;
    FakeClock clock = new FakeClock(Instant.parse("2026-11-25T10:00:00Z"));
    Outbox outbox;
    final List<Dispatcher> started = new ArrayList<>();
    final List<CountDownLatch> hangs = new ArrayList<>();

    @BeforeEach
    void open() throws IOException {
        outbox = new Outbox(dir, clock);
    }

    @AfterEach
    void stop() {
        hangs.forEach(CountDownLatch::countDown);
        started.forEach(Dispatcher::close);
    }

    private Dispatcher start(Map<String, Sender> senders, AlertChannels.Delivery policy, Clock time) {
        Dispatcher d = new Dispatcher(outbox, senders, policy, time, BackoffTest.fixed(0.5));
        started.add(d);
        d.start();
        return d;
    }

    private Notification enqueue(String id, String channel) throws IOException {
        Notification n = new Notification(id, channel, clock.instant(), "subject " + id, "text", Optional.empty(),
                "{}");
        outbox.enqueue(n);
        clock.advance(Duration.ofMillis(1));
        return n;
    }

    private static DeliveryStats.ChannelStats channel(Dispatcher d, String name) {
        return d.stats().channels().get(name);
    }

    @Test
    void deliversEachChannelInCreationOrderAndEmptiesTheOutbox() throws IOException {
        enqueue("a", "mail");
        enqueue("b", "mail");
        enqueue("c", "mail");
        ScriptedSender mail = new ScriptedSender();
        Dispatcher d = start(Map.of("mail", mail), POLICY, clock);
        await().atMost(DEADLINE).until(() -> mail.delivered.size() == 3);
        assertThat(mail.delivered).containsExactly("a", "b", "c");
        await().atMost(DEADLINE).until(() -> outbox.pending().isEmpty());
        DeliveryStats.ChannelStats stats = channel(d, "mail");
        assertThat(stats.delivered()).isEqualTo(3);
        assertThat(stats.attempts()).isEqualTo(3);
        assertThat(stats.retries()).isZero();
        assertThat(stats.pending()).isZero();
        assertThat(stats.lastSuccess()).isPresent();
        assertThat(stats.lastError()).isEmpty();
    }

    @Test
    void wakeStartsDeliveryAtOnce() throws IOException {
        ScriptedSender mail = new ScriptedSender();
        Dispatcher d = start(Map.of("mail", mail), POLICY, Clock.systemUTC());
        await().atMost(DEADLINE).until(() -> d.stats().channels().containsKey("mail"));
        enqueue("now", "mail");
        d.wake();
        // far less than the 30 s safety re-read: only the wake-up can have started it
        await().atMost(Duration.ofSeconds(2)).until(() -> mail.delivered.contains("now"));
    }

    @Test
    void backoffDoublesAfterEachFailureUpToTheCap() throws IOException {
        enqueue("x", "mail");
        ScriptedSender mail = new ScriptedSender();
        mail.alwaysFailing.add("x");
        Dispatcher d = start(Map.of("mail", mail), POLICY, clock);
        List<Duration> waits = new ArrayList<>();
        for (int attempt = 1; attempt <= 6; attempt++) {
            int expected = attempt;
            await().atMost(DEADLINE).until(() -> channel(d, "mail").attempts() == expected
                    && channel(d, "mail").nextAttempt().isPresent());
            Duration wait = Duration.between(clock.instant(), channel(d, "mail").nextAttempt().get());
            waits.add(wait);
            if (attempt == 1) {
                clock.advance(wait.minusMillis(1));
                d.wake();
                await().during(Duration.ofMillis(300)).atMost(DEADLINE)
                        .until(() -> channel(d, "mail").attempts() == 1);
                clock.advance(Duration.ofMillis(1));
                d.wake();
            } else if (attempt < 6) {
                clock.advance(wait);
                d.wake();
            }
        }
        assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
                Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5));
        DeliveryStats.ChannelStats stats = channel(d, "mail");
        assertThat(stats.retries()).isEqualTo(6);
        assertThat(stats.lastError()).contains("receiver refused x");
        assertThat(stats.pending()).isEqualTo(1);
        assertThat(mail.delivered).isEmpty();
    }

    @Test
    void afterMaxAgeANotificationIsFailedAndTheChannelGoesOn() throws IOException {
        AlertChannels.Delivery policy = new AlertChannels.Delivery(Duration.ofSeconds(1), Duration.ofSeconds(4),
                Duration.ofSeconds(20));
        enqueue("old", "mail");
        enqueue("next", "mail");
        ScriptedSender mail = new ScriptedSender();
        mail.alwaysFailing.add("old");
        Dispatcher d = start(Map.of("mail", mail), policy, clock);
        Instant created = clock.instant();
        long seen = 0;
        while (channel(d, "mail").failed() == 0) {
            assertThat(Duration.between(created, clock.instant())).as("failed once max_age passed")
                    .isLessThan(Duration.ofSeconds(30));
            long previous = seen;
            // the attempt after the previous one has failed: either a retry is planned, or it was given up
            DeliveryStats.ChannelStats s = await().atMost(DEADLINE).until(() -> channel(d, "mail"),
                    c -> c.failed() == 1 || c.attempts() > previous && c.nextAttempt().isPresent());
            seen = s.attempts();
            s.nextAttempt().ifPresent(at -> clock.advance(Duration.between(clock.instant(), at)));
            d.wake();
        }
        await().atMost(DEADLINE).until(() -> mail.delivered.contains("next"));
        assertThat(mail.attempts).containsOnly("old", "next").endsWith("next");
        assertThat(mail.attempts.indexOf("next")).as("the next one waited behind the failing head")
                .isEqualTo(mail.attempts.size() - 1);
        DeliveryStats stats = d.stats();
        assertThat(stats.channels().get("mail").failed()).isEqualTo(1);
        DeliveryStats.FailedNotification failed = stats.recentFailures().get(0);
        assertThat(failed.id()).isEqualTo("old");
        assertThat(failed.subject()).isEqualTo("subject old");
        assertThat(failed.reason()).startsWith("not delivered within max_age 20s (")
                .endsWith("attempts); last error: receiver refused old");
        assertThat(Duration.between(created, failed.failedAt())).isGreaterThanOrEqualTo(Duration.ofSeconds(20));
        try (Stream<Path> files = Files.list(dir.resolve("failed"))) {
            assertThat(files.map(p -> p.getFileName().toString())).singleElement().asString().endsWith("-old.json");
        }
    }

    @Test
    void aResolvedMessageNeverOvertakesItsFiring() throws IOException {
        enqueue("firing", "mail");
        enqueue("resolved", "mail");
        enqueue("hook-firing", "hook");
        ScriptedSender mail = new ScriptedSender().failing("firing", 2);
        ScriptedSender hook = new ScriptedSender();
        Dispatcher d = start(Map.of("mail", mail, "hook", hook), POLICY, clock);
        for (int i = 0; i < 2; i++) {
            int attempts = i + 1;
            await().atMost(DEADLINE).until(() -> channel(d, "mail").attempts() == attempts
                    && channel(d, "mail").nextAttempt().isPresent());
            clock.advance(Duration.ofSeconds(5));
            d.wake();
        }
        await().atMost(DEADLINE).until(() -> mail.delivered.size() == 2);
        assertThat(mail.attempts).containsExactly("firing", "firing", "firing", "resolved");
        assertThat(mail.delivered).containsExactly("firing", "resolved");
        assertThat(hook.delivered).containsExactly("hook-firing");
    }

    @Test
    void aHangingChannelDoesNotDelayAnother() throws IOException {
        CountDownLatch smtpHangs = new CountDownLatch(1);
        hangs.add(smtpHangs);
        ScriptedSender mail = new ScriptedSender(smtpHangs);
        ScriptedSender hook = new ScriptedSender();
        enqueue("mail-1", "mail");
        enqueue("hook-1", "hook");
        Dispatcher d = start(Map.of("mail", mail, "hook", hook), POLICY, clock);
        await().atMost(DEADLINE).until(() -> hook.delivered.contains("hook-1"));
        assertThat(mail.attempts).containsExactly("mail-1");
        assertThat(mail.delivered).isEmpty();
        enqueue("hook-2", "hook");
        d.wake();
        await().atMost(DEADLINE).until(() -> hook.delivered.contains("hook-2"));
        smtpHangs.countDown();
        await().atMost(DEADLINE).until(() -> mail.delivered.contains("mail-1"));
    }

    @Test
    void aRestartedDispatcherDeliversWhatWasPending() throws IOException {
        enqueue("before-crash-1", "mail");
        enqueue("before-crash-2", "mail");
        ScriptedSender down = new ScriptedSender();
        down.alwaysFailing.add("before-crash-1");
        Dispatcher first = start(Map.of("mail", down), POLICY, clock);
        await().atMost(DEADLINE).until(() -> channel(first, "mail").retries() == 1);
        first.close();

        outbox = new Outbox(dir, clock); // as after a restart: a new process over the same directory
        ScriptedSender up = new ScriptedSender();
        start(Map.of("mail", up), POLICY, clock);
        await().atMost(DEADLINE).until(() -> up.delivered.size() == 2);
        assertThat(up.delivered).containsExactly("before-crash-1", "before-crash-2");
        assertThat(outbox.pending()).isEmpty();
    }

    @Test
    void aNotificationForAChannelNoLongerConfiguredIsFailed() throws IOException {
        enqueue("orphan", "removed-channel");
        enqueue("fine", "mail");
        ScriptedSender mail = new ScriptedSender();
        Dispatcher d = start(Map.of("mail", mail), POLICY, clock);
        await().atMost(DEADLINE).until(() -> d.stats().recentFailures().size() == 1);
        DeliveryStats.FailedNotification failed = d.stats().recentFailures().get(0);
        assertThat(failed.channel()).isEqualTo("removed-channel");
        assertThat(failed.reason()).isEqualTo("channel removed-channel is no longer configured");
        assertThat(d.stats().channels().get("removed-channel").failed()).isEqualTo(1);
        await().atMost(DEADLINE).until(() -> mail.delivered.contains("fine"));
        assertThat(outbox.pending()).isEmpty();
    }

    @Test
    void closeReturnsInBoundedTimeEvenWhileASendHangs() throws IOException {
        CountDownLatch hang = new CountDownLatch(1);
        hangs.add(hang);
        ScriptedSender mail = new ScriptedSender(hang);
        enqueue("stuck", "mail");
        Dispatcher d = new Dispatcher(outbox, Map.of("mail", mail), POLICY, clock, new SplittableRandom(1));
        d.start();
        await().atMost(DEADLINE).until(() -> mail.attempts.contains("stuck"));
        long t0 = System.nanoTime();
        d.close();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(6));
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("vipwatch-alert-dispatch"));
        assertThat(outbox.pending()).extracting(Notification::id).as("cut short, so still pending")
                .containsExactly("stuck");
    }
}
