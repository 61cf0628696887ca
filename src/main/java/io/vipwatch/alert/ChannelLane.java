package io.vipwatch.alert;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One channel's queue and counters in the {@link Dispatcher}: notifications in creation order, of which only the
 * head is ever being sent, on the lane's own thread. Not thread-safe: the dispatcher guards every lane with its lock.
 */
final class ChannelLane {
    final String channel;
    /** Null for a channel that is no longer configured: its notifications are failed, not sent. */
    final Sender sender;
    final ExecutorService executor;
    final ArrayDeque<Notification> queue = new ArrayDeque<>();

    int headAttempts;
    Instant headDueAt;
    boolean sending;

    long delivered;
    long failed;
    long attempts;
    long retries;
    String lastError;
    Instant lastSuccess;
    Instant lastFailure;

    ChannelLane(String channel, Sender sender) {
        this.channel = channel;
        this.sender = sender;
        this.executor = sender == null ? null : new ThreadPoolExecutor(0, 1, 1, TimeUnit.MINUTES,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "vipwatch-alert-" + channel);
                    t.setDaemon(true);
                    return t;
                });
    }

    /** Whether the head may be tried now: nothing in flight, and its backoff (if any) is over. */
    boolean ready(Instant now) {
        return sender != null && !sending && !queue.isEmpty() && (headDueAt == null || !now.isBefore(headDueAt));
    }

    /** The head is done with (delivered or failed): the next one starts fresh. */
    void advance() {
        queue.poll();
        headAttempts = 0;
        headDueAt = null;
        sending = false;
    }

    DeliveryStats.ChannelStats snapshot() {
        return new DeliveryStats.ChannelStats(delivered, failed, attempts, retries, queue.size(),
                Optional.ofNullable(lastError), Optional.ofNullable(lastSuccess), Optional.ofNullable(lastFailure),
                sending ? Optional.empty() : Optional.ofNullable(headDueAt));
    }
}
