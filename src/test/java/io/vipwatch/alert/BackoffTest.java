package io.vipwatch.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {
    static RandomGenerator fixed(double value) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new UnsupportedOperationException();
            }

            @Override
            public double nextDouble() {
                return value;
            }
        };
    }

    final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(10));

    @Test
    void doublesFromTheInitialDelayUpToTheCap() {
        RandomGenerator middle = fixed(0.5);
        assertThat(java.util.stream.IntStream.rangeClosed(1, 7).mapToObj(n -> backoff.afterFailures(n, middle)))
                .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
                        Duration.ofSeconds(8), Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10));
        assertThat(backoff.afterFailures(10_000, middle)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void jitterIsTwentyPercentEitherWayAndNeverExceedsTheCap() {
        assertThat(backoff.afterFailures(1, fixed(0.0))).isEqualTo(Duration.ofMillis(800));
        assertThat(backoff.afterFailures(1, fixed(0.999999))).isEqualTo(Duration.ofMillis(1200));
        assertThat(backoff.afterFailures(3, fixed(0.0))).isEqualTo(Duration.ofMillis(3200));
        assertThat(backoff.afterFailures(9, fixed(0.0))).isEqualTo(Duration.ofSeconds(8));
        assertThat(backoff.afterFailures(9, fixed(0.999999))).isEqualTo(Duration.ofSeconds(10));
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 1000; i++) {
            assertThat(backoff.afterFailures(2, random)).isBetween(Duration.ofMillis(1600), Duration.ofMillis(2400));
        }
    }
}
