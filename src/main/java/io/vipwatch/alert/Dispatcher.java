package io.vipwatch.alert;

import io.vipwatch.config.AlertChannels;
import io.vipwatch.config.Durations;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers what the {@link Outbox} holds, channel by channel, until each notification is accepted or too old.
 *
 * <p>Design. One thread ({@code vipwatch-alert-dispatch}) plans: it reads the outbox, keeps one {@link ChannelLane}
 * per channel — a FIFO in creation order — and starts an attempt for a lane's head when that lane is idle and the
 * head's backoff is over. It never sends anything itself. Each attempt runs on its lane's own thread
 * ({@code vipwatch-alert-CHANNEL}), one at a time. This gives both guarantees without a clever loop:
 * <ul>
 *   <li>per channel, order holds: a resolved message waits behind its firing however often that one is retried
 *       (head-of-line blocking is the point);
 *   <li>channels are independent: an SMTP server that swallows connections for its full timeout occupies only the
 *       e-mail lane's thread, and the webhook lane goes on. Threads are bounded by the number of configured channels,
 *       and each is blocked at most for its channel's timeouts.
 * </ul>
 * A failed head waits {@link Backoff} (initial_backoff doubling to max_backoff, ±20% jitter) and is tried again; a
 * failure once {@code max_age} has passed since its creation moves it to {@code failed/}, logged and counted, and the
 * lane goes on with the next. A notification for a channel that is no longer configured is failed at once: it can
 * never be delivered, and it must not hold up anything.
 *
 * <p>Delivery is at least once: a crash between the receiver's "accepted" and the file's deletion sends it again
 * after the restart, with the same id. {@link #wake()} after an enqueue starts delivery at once; there is no polling
 * delay (the outbox is re-read every 30 s anyway, as a safety net; in a fleet more often, see {@link
 * Outbox.Shared}). Time comes from the injected {@link Clock}, so tests move backoff and expiry forward instead of
 * sleeping.
 */
public final class Dispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    public static final String DELIVERED = "delivered";
    public static final String RETRIED = "retried";
    public static final String FAILED = "failed";

    private final Outbox outbox;
    private final BiConsumer<String, String> outcomes;
    private final AlertChannels.Delivery policy;
    private final Backoff backoff;
    private final Clock clock;
    private final RandomGenerator random;
    private final Map<String, ChannelLane> lanes = new LinkedHashMap<>();
    /** Ids in some lane's queue (or being failed/deleted): a re-read of the outbox must not queue them twice. */
    private final Set<String> known = new HashSet<>();
    private final ArrayDeque<DeliveryStats.FailedNotification> recentFailures = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Thread thread;
    private boolean running = true;
    private boolean rescan = true;
    private boolean signalled;
    private Instant nextRescan = Instant.MIN;

    /**
     * @param senders by channel name; notifications for other channels are failed
     * @param random  the jitter of the backoff
     */
    public Dispatcher(Outbox outbox, Map<String, Sender> senders, AlertChannels.Delivery policy, Clock clock,
                      RandomGenerator random) {
        this(outbox, senders, policy, clock, random, (channel, outcome) -> { });
    }

    /**
     * @param outcomes told (channel, {@value #DELIVERED} | {@value #RETRIED} | {@value #FAILED}) for each attempt
     *                 that ended so, under the dispatcher's lock: it must be quick (a metrics counter)
     */
    public Dispatcher(Outbox outbox, Map<String, Sender> senders, AlertChannels.Delivery policy, Clock clock,
                      RandomGenerator random, BiConsumer<String, String> outcomes) {
        this.outcomes = outcomes;
        this.outbox = outbox;
        this.policy = policy;
        this.backoff = new Backoff(policy.initialBackoff(), policy.maxBackoff());
        this.clock = clock;
        this.random = random;
        senders.forEach((name, sender) -> lanes.put(name, new ChannelLane(name, sender)));
        this.thread = new Thread(this::run, "vipwatch-alert-dispatch");
        thread.setDaemon(true);
    }

    /** Starts delivering, beginning with whatever is pending from before a restart. */
    public void start() {
        thread.start();
    }

    /** Re-reads the outbox now: call after {@link Outbox#enqueue}. */
    public void wake() {
        lock.lock();
        try {
            rescan = true;
            signal();
        } finally {
            lock.unlock();
        }
    }

    /** A consistent snapshot of every channel's counters and the latest failures. */
    public DeliveryStats stats() {
        lock.lock();
        try {
            Map<String, DeliveryStats.ChannelStats> channels = lanes.values().stream()
                    .collect(Collectors.toMap(l -> l.channel, ChannelLane::snapshot));
            return new DeliveryStats(channels, List.copyOf(recentFailures));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops within about 10 s: the planning thread at once, attempts in flight after at most 5 s (an attempt cut
     * short leaves its notification pending, to be sent after the next start).
     */
    @Override
    public void close() {
        lock.lock();
        try {
            running = false;
            signal();
        } finally {
            lock.unlock();
        }
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        try {
            thread.join(CLOSE_WAIT.toMillis());
            for (ChannelLane lane : lanes.values()) {
                if (lane.executor != null) {
                    lane.executor.shutdownNow();
                    long left = Math.max(0, deadline - System.nanoTime());
                    if (!lane.executor.awaitTermination(left, TimeUnit.NANOSECONDS)) {
                        log.warn("alert dispatch: channel {} still sending after {}; its notification stays pending",
                                lane.channel, Durations.format(CLOSE_WAIT));
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("alert dispatch stopped, {} notification(s) pending", stats().pending());
    }

    /** The planning loop. Everything is caught here: a dead dispatcher would silently stop all alerts. */
    private void run() {
        lock.lock();
        try {
            while (running) {
                try {
                    Instant now = clock.instant();
                    if (rescan || !now.isBefore(nextRescan)) {
                        readOutbox(now);
                    }
                    startDueAttempts(now);
                    awaitChange(now);
                } catch (RuntimeException e) {
                    log.error("alert dispatch: unexpected error, continuing in 1 s", e);
                    changed.await(1, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            log.warn("alert dispatch interrupted; stopping");
        } finally {
            lock.unlock();
        }
    }

    private void readOutbox(Instant now) {
        rescan = false;
        nextRescan = now.plus(outbox.rescanEvery());
        List<Notification> pending;
        try {
            pending = outbox.pending();
        } catch (IOException e) {
            log.error("alert dispatch: cannot read the outbox ({}); trying again in {}", e.toString(),
                    Durations.format(outbox.rescanEvery()));
            return;
        }
        for (Notification n : pending) {
            if (known.add(n.id())) {
                ChannelLane lane = lanes.computeIfAbsent(n.channel(), name -> new ChannelLane(name, null));
                if (lane.sender == null) {
                    failUnconfigured(lane, n, now);
                } else {
                    lane.queue.add(n);
                }
            }
        }
    }

    private void failUnconfigured(ChannelLane lane, Notification n, Instant now) {
        String reason = "channel " + n.channel() + " is no longer configured";
        log.error("alert delivery: notification {} ({}) cannot be sent: {}; moved to failed/", n.id(),
                n.subject(), reason);
        recordFailure(lane, n, reason, now);
        try {
            outbox.failed(n.id(), reason);
            known.remove(n.id());
        } catch (IOException e) {
            log.error("alert outbox: cannot move {} to failed/: {}", n.id(), e.toString());
        }
    }

    private void startDueAttempts(Instant now) {
        for (ChannelLane lane : lanes.values()) {
            if (!lane.ready(now)) {
                continue;
            }
            Notification head = lane.queue.peek();
            int attempt = ++lane.headAttempts;
            lane.attempts++;
            lane.sending = true;
            try {
                lane.executor.execute(() -> attempt(lane, head, attempt));
            } catch (RejectedExecutionException e) {
                lane.sending = false; // closing
            }
        }
    }

    /** Sleeps until the earliest backoff ends, a wake-up, a finished attempt or the next safety re-read. */
    private void awaitChange(Instant now) throws InterruptedException {
        Instant until = nextRescan;
        for (ChannelLane lane : lanes.values()) {
            if (!lane.sending && !lane.queue.isEmpty() && lane.sender != null && lane.headDueAt != null
                    && lane.headDueAt.isBefore(until)) {
                until = lane.headDueAt;
            }
        }
        // never longer than the re-read interval: a wall clock stepped backwards must not stall delivery for long
        long nanos = Math.min(Duration.between(now, until).toNanos(), outbox.rescanEvery().toNanos());
        while (running && !signalled && nanos > 0) {
            nanos = changed.awaitNanos(nanos);
        }
        signalled = false;
    }

    /** One attempt, on the lane's thread; the outbox is written outside the lock, the lane updated inside it. */
    private void attempt(ChannelLane lane, Notification n, int attempt) {
        String error;
        try {
            lane.sender.send(n);
            delivered(lane, n, attempt);
            return;
        } catch (DeliveryException e) {
            error = e.getMessage();
        } catch (RuntimeException e) {
            error = "unexpected " + e.getClass().getSimpleName() + " in the sender: " + e.getMessage();
            log.error("alert delivery: sender of channel {} failed unexpectedly", lane.channel, e);
        }
        failedAttempt(lane, n, attempt, error);
    }

    private void delivered(ChannelLane lane, Notification n, int attempt) {
        boolean removed = removeFromOutbox(() -> outbox.delivered(n.id()), n);
        lock.lock();
        try {
            Instant now = clock.instant();
            lane.delivered++;
            outcomes.accept(lane.channel, DELIVERED);
            lane.lastSuccess = now;
            lane.advance();
            if (removed) {
                known.remove(n.id());
            }
            log.info("alert delivered: channel {}, notification {} ({}), attempt {}, {} after it was created",
                    lane.channel, n.id(), n.subject(), attempt, Durations.format(Duration.between(n.createdAt(), now)));
            signal();
        } finally {
            lock.unlock();
        }
    }

    private void failedAttempt(ChannelLane lane, Notification n, int attempt, String error) {
        Instant now;
        boolean giveUp;
        lock.lock();
        try {
            now = clock.instant();
            lane.lastError = error;
            lane.lastFailure = now;
            giveUp = !now.isBefore(n.createdAt().plus(policy.maxAge()));
            if (!giveUp) {
                Duration delay = backoff.afterFailures(attempt, random);
                lane.retries++;
                outcomes.accept(lane.channel, RETRIED);
                lane.headDueAt = now.plus(delay);
                lane.sending = false;
                log.warn("alert delivery failed: channel {}, notification {}, attempt {}: {}; next attempt in {}",
                        lane.channel, n.id(), attempt, error, Durations.format(delay));
                signal();
                return;
            }
        } finally {
            lock.unlock();
        }
        String reason = "not delivered within max_age " + Durations.format(policy.maxAge()) + " (" + attempt
                + " attempts); last error: " + error;
        boolean removed = removeFromOutbox(() -> outbox.failed(n.id(), reason), n);
        lock.lock();
        try {
            recordFailure(lane, n, reason, now);
            lane.advance();
            if (removed) {
                known.remove(n.id());
            }
            log.error("alert delivery gave up: channel {}, notification {} ({}): {}; moved to failed/",
                    lane.channel, n.id(), n.subject(), reason);
            signal();
        } finally {
            lock.unlock();
        }
    }

    private void recordFailure(ChannelLane lane, Notification n, String reason, Instant now) {
        lane.failed++;
        outcomes.accept(lane.channel, FAILED);
        recentFailures.addFirst(new DeliveryStats.FailedNotification(n.id(), n.channel(), n.subject(), reason, now));
        while (recentFailures.size() > DeliveryStats.RECENT_FAILURES) {
            recentFailures.removeLast();
        }
    }

    private interface OutboxWrite {
        void run() throws IOException;
    }

    /** False when the file could not be removed: the id then stays known, so this process will not send it again. */
    private static boolean removeFromOutbox(OutboxWrite write, Notification n) {
        try {
            write.run();
            return true;
        } catch (IOException e) {
            log.error("alert outbox: cannot remove notification {} from pending/: {}; it may be sent again after a "
                    + "restart", n.id(), e.toString());
            return false;
        }
    }

    /** Caller holds the lock. */
    private void signal() {
        signalled = true;
        changed.signalAll();
    }
}
