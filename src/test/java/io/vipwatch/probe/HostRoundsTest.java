package io.vipwatch.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.vipwatch.config.ClusterConfig;
import io.vipwatch.config.HostConfig;
import io.vipwatch.config.InterfaceName;
import io.vipwatch.config.Ipv4;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HostRoundsTest {
    private static final ClusterConfig LAB = cluster("db1", "db2", "db3");

    private final AtomicLong now = new AtomicLong();
    private final HostRounds<String> rounds = new HostRounds<>(Duration.ofMillis(250), now::get);
    private final List<String> started = new ArrayList<>();

    /** A read that completes at once with "host#n", n counting the reads of all hosts. */
    private CompletableFuture<String> read(HostConfig host) {
        started.add(host.name());
        return CompletableFuture.completedFuture(host.name() + "#" + started.size());
    }

    @Test
    void vipsAskingWithinTheRoundsAgeShareOneReadPerHost() {
        Map<String, CompletableFuture<String>> first = rounds.current(LAB, this::read);
        now.addAndGet(Duration.ofMillis(249).toNanos());
        Map<String, CompletableFuture<String>> second = rounds.current(LAB, this::read);

        assertThat(second).isSameAs(first);
        assertThat(started).containsExactly("db1", "db2", "db3");
    }

    @Test
    void anOlderRoundIsReadAgainExceptAHostWhoseReadIsStillInFlight() {
        CompletableFuture<String> hung = new CompletableFuture<>();
        Map<String, CompletableFuture<String>> first = rounds.current(LAB,
                h -> h.name().equals("db2") ? hung : read(h));
        now.addAndGet(Duration.ofMillis(250).toNanos());
        Map<String, CompletableFuture<String>> second = rounds.current(LAB, this::read);

        assertThat(second.get("db2")).isSameAs(hung);
        assertThat(second.get("db1")).isNotSameAs(first.get("db1"));
        assertThat(second.get("db1").join()).isEqualTo("db1#3");
        assertThat(started).containsExactly("db1", "db3", "db1", "db3");
    }

    @Test
    void aForgottenClusterIsReadAfreshEvenWhereAReadIsInFlight() {
        CompletableFuture<String> hung = new CompletableFuture<>();
        rounds.current(LAB, h -> h.name().equals("db2") ? hung : read(h));
        rounds.forget("lab");
        Map<String, CompletableFuture<String>> next = rounds.current(LAB, this::read);

        assertThat(next.get("db2")).isNotSameAs(hung);
        assertThat(started).containsExactly("db1", "db3", "db1", "db2", "db3");
    }

    @Test
    void manyVipsAskingAtTheSameInstantStartOneRound() throws Exception {
        HostRounds<String> shared = new HostRounds<>(Duration.ofSeconds(10));
        AtomicLong reads = new AtomicLong();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Map<String, CompletableFuture<String>>>> asked = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                asked.add(pool.submit(() -> {
                    go.await(10, TimeUnit.SECONDS);
                    return shared.current(LAB, h -> {
                        reads.incrementAndGet();
                        return new CompletableFuture<>();
                    });
                }));
            }
            go.countDown();
            Map<String, CompletableFuture<String>> first = asked.get(0).get(10, TimeUnit.SECONDS);
            for (Future<Map<String, CompletableFuture<String>>> f : asked) {
                assertThat(f.get(10, TimeUnit.SECONDS)).isSameAs(first);
            }
            assertThat(reads).hasValue(3);
        } finally {
            pool.shutdownNow();
        }
    }

    private static ClusterConfig cluster(String... hosts) {
        List<HostConfig> configs = java.util.Arrays.stream(hosts).map(h -> new HostConfig(h,
                Ipv4.parse("198.51.100.1" + h.charAt(2)).orElseThrow(), new InterfaceName("eth0"))).toList();
        return new ClusterConfig("lab", configs, List.of(), List.of());
    }
}
