package io.vipwatch.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.vipwatch.remote.CommandResult;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One table read for the VIPs that ask together; never a read that began before the request. */
class NeighbourReadsTest {
    private static final String TABLE = """
            198.51.100.100 dev eth0 lladdr 02:00:00:00:00:0b REACHABLE
            198.51.100.101 dev eth0 lladdr 02:00:00:00:00:0c STALE
            198.51.100.102 dev eth0 FAILED
            """;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void requestsBeforeTheReadStartsShareIt() {
        AtomicInteger reads = new AtomicInteger();
        NeighbourReads table = new NeighbourReads(() -> {
            reads.incrementAndGet();
            return result(TABLE);
        }, executor);
        CompletableFuture<CommandResult> a = table.next();
        CompletableFuture<CommandResult> b = table.next();
        assertThat(b).isSameAs(a);
        assertThat(a.join().stdout()).isEqualTo(TABLE);
        assertThat(reads).hasValue(1);
        table.next().join();                               // after that read: a new one
        assertThat(reads).hasValue(2);
    }

    @Test
    void aRequestWhileAReadRunsWaitsForTheNextRead() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger reads = new AtomicInteger();
        NeighbourReads table = new NeighbourReads(() -> {
            int n = reads.incrementAndGet();
            if (n == 1) {
                running.countDown();
                await(release);
            }
            return result("read " + n);
        }, executor);
        CompletableFuture<CommandResult> first = table.next();
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<CommandResult> second = table.next();  // the first read has begun: too early for us
        assertThat(second).isNotSameAs(first);
        release.countDown();
        assertThat(first.join().stdout()).isEqualTo("read 1");
        assertThat(second.join().stdout()).isEqualTo("read 2");
    }

    @Test
    void theEntryOfOneAddressIsPickedFromTheTable() {
        assertThat(IpParsers.neighbour(TABLE, "198.51.100.101")).hasValueSatisfying(e -> {
            assertThat(e.mac()).isEqualTo("02:00:00:00:00:0c");
            assertThat(e.state()).isEqualTo("STALE");
        });
        assertThat(IpParsers.neighbour(TABLE, "198.51.100.102")).hasValueSatisfying(e ->
                assertThat(e.mac()).isEmpty());
        assertThat(IpParsers.neighbour(TABLE, "198.51.100.10")).isEmpty();   // a prefix of .100 is not .100
    }

    private static CommandResult result(String stdout) {
        return new CommandResult("local", "ip -4 neigh show", CommandResult.Outcome.COMPLETED, 0, stdout, "",
                Duration.ofMillis(1), "");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
