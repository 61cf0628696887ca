package io.vipwatch.repair;

import java.time.Duration;

/**
 * Waits between gratuitous-ARP bursts and between verify probes. Injected so that tests record the waits instead
 * of sleeping through them.
 */
@FunctionalInterface
public interface Sleeper {
    /** Sleeps for {@code d} (nothing for zero or negative durations). */
    void sleep(Duration d) throws InterruptedException;

    /** {@link Thread#sleep}. */
    Sleeper REAL = d -> {
        if (!d.isNegative() && !d.isZero()) {
            Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
        }
    };
}
