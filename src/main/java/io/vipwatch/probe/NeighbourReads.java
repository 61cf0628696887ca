package io.vipwatch.probe;

import io.vipwatch.remote.CommandResult;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One vantage's whole neighbour table ({@code ip -4 neigh show}), read once for all the VIPs that ask within a few
 * milliseconds of each other instead of one process (or SSH exec) per VIP: at 200 VIPs that is the difference
 * between a process every 25 ms and a handful per cycle.
 *
 * <p>Each VIP needs a read that <em>starts after</em> its own ping freshened the entry (see {@link ProbeCycle}). A
 * request therefore joins a read that has not started yet, or schedules a new one {@value #GATHER_MS} ms ahead so
 * that the requests of the VIPs probed alongside can join it; a read already running never serves a later request.
 */
final class NeighbourReads {
    static final long GATHER_MS = 5;

    private final Supplier<CommandResult> read;
    private final Executor executor;
    private CompletableFuture<CommandResult> notStarted;

    NeighbourReads(Supplier<CommandResult> read, Executor executor) {
        this.read = read;
        this.executor = executor;
    }

    /** The table, from a read that starts after this call. */
    synchronized CompletableFuture<CommandResult> next() {
        if (notStarted != null) {
            return notStarted;
        }
        CompletableFuture<CommandResult> result = new CompletableFuture<>();
        notStarted = result;
        CompletableFuture.delayedExecutor(GATHER_MS, TimeUnit.MILLISECONDS, executor).execute(() -> {
            synchronized (this) {
                if (notStarted == result) {
                    notStarted = null;  // from now on, a request needs the next read
                }
            }
            try {
                result.complete(read.get());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }
}
