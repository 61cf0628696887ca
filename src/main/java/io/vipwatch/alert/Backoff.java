package io.vipwatch.alert;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * The wait after the n-th failed attempt: {@code initial · 2^(n-1)}, capped at {@code max}, then varied by ±20% so
 * that notifications that failed together (one SMTP outage) do not all retry in the same instant. The cap is applied
 * after the jitter too, so {@code max} is a true ceiling.
 */
record Backoff(Duration initial, Duration max) {
    static final double JITTER = 0.2;

    Duration afterFailures(int failures, RandomGenerator random) {
        double exponential = initial.toMillis() * Math.pow(2, Math.min(Math.max(failures, 1) - 1, 40));
        double base = Math.min(exponential, max.toMillis());
        double jittered = base * (1 - JITTER + 2 * JITTER * random.nextDouble());
        return Duration.ofMillis(Math.round(Math.min(jittered, max.toMillis())));
    }
}
