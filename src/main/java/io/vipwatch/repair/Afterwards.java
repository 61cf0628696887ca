package io.vipwatch.repair;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a repair leaves to run after it returned: the gratuitous-ARP bursts after the first (see
 * {@link AnnounceStep}). A repair is judged — and the VIP's next cycle may start — as soon as the VIP answers;
 * the later bursts only keep slow neighbours and switches in step and have no reason to hold the cycle for seconds.
 *
 * <p>At most one tail per VIP: a new repair of the VIP cancels the tail of the one before (its plan may move the
 * VIP elsewhere), and {@link #close()} cancels them all. A cancelled tail audits the bursts it did not send.
 */
public final class Afterwards implements AutoCloseable {
    /** Runs {@code task} after {@code delay}; the future cancels it. */
    @FunctionalInterface
    interface Later {
        Future<?> after(Duration delay, Runnable task);
    }

    /** Work that may be cancelled; {@code why} is audited for what did not run. */
    interface Tail {
        void cancel(String why);
    }

    private final Later later;
    private final ScheduledExecutorService executor;
    private final Map<String, Tail> tails = new ConcurrentHashMap<>();

    private Afterwards(Later later, ScheduledExecutorService executor) {
        this.later = later;
        this.executor = executor;
    }

    /** Tails on a small pool of daemon threads (a burst holds a thread for its SSH exec, well under a second). */
    public static Afterwards threads(int threads) {
        AtomicInteger n = new AtomicInteger();
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(threads, r -> {
            Thread t = new Thread(r, "vipwatch-afterwards-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        return new Afterwards((d, task) -> executor.schedule(task, d.toNanos(), TimeUnit.NANOSECONDS), executor);
    }

    /** Tails run by {@code later} (tests drive them by hand). */
    static Afterwards of(Later later) {
        return new Afterwards(later, null);
    }

    /** Tails that run on the caller's thread after {@code sleeper} waited: tests see one ordered sequence. */
    static Afterwards inline(Sleeper sleeper) {
        return new Afterwards((d, task) -> {
            try {
                sleeper.sleep(d);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return java.util.concurrent.CompletableFuture.completedFuture(null);
            }
            task.run();
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }, null);
    }

    Future<?> after(Duration delay, Runnable task) {
        return later.after(delay, task);
    }

    /** A repair of {@code vip} starts: the tail of its previous repair, if still running, stops. */
    void repairStarts(String vip) {
        Tail old = tails.remove(vip);
        if (old != null) {
            old.cancel("not sent: a new repair of this VIP started");
        }
    }

    void register(String vip, Tail tail) {
        tails.put(vip, tail);
    }

    void finished(String vip, Tail tail) {
        tails.remove(vip, tail);
    }

    /** Cancels every tail still running (the service stops or reloads). */
    @Override
    public void close() {
        tails.values().forEach(t -> t.cancel("not sent: vipwatch stopped or reloaded"));
        tails.clear();
        if (executor != null) {
            executor.shutdownNow();
            try {
                // A burst being sent finishes its SSH exec (bounded) and is audited before the audit log closes.
                if (!executor.awaitTermination(3, TimeUnit.SECONDS)) {
                    org.slf4j.LoggerFactory.getLogger(Afterwards.class).warn("announce bursts still running");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
