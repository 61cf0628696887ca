package io.vipwatch.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.vipwatch.config.ClusterConfig;
import io.vipwatch.config.HostConfig;
import io.vipwatch.config.InterfaceName;
import io.vipwatch.config.Ipv4;
import io.vipwatch.config.VipAddress;
import io.vipwatch.config.VipConfig;
import io.vipwatch.remote.MysqlClient;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The three snapshots of one VIP's probes, and the cut an address event makes. */
class VipProbeTest {
    private static final Duration MS = Duration.ofMillis(1);
    private static final HostConfig DB1 = new HostConfig("db1", Ipv4.parse("198.51.100.11").orElseThrow(), new InterfaceName("eth0"));
    private static final VipConfig VIP = new VipConfig("rw", new VipAddress(Ipv4.parse("198.51.100.100").orElseThrow(), 24),
            Optional.of("db1"));
    private static final ClusterConfig CLUSTER = new ClusterConfig("lab", List.of(DB1), List.of(VIP), List.of());

    private final CompletableFuture<Observed<HostSnapshot>> view = new CompletableFuture<>();
    private final CompletableFuture<MysqlClient.Answer> identity = new CompletableFuture<>();
    private final CompletableFuture<Observed<PingReply>> ping = new CompletableFuture<>();
    private final CompletableFuture<ArpView> arp = new CompletableFuture<>();
    private final CompletableFuture<Observed<List<String>>> l2 = new CompletableFuture<>();
    private final CompletableFuture<MysqlClient.Answer> sql = new CompletableFuture<>();
    private final VipProbe probe = new VipProbe(CLUSTER, VIP, java.util.Optional.empty(), Instant.EPOCH, System.nanoTime(),
            new LinkedHashMap<>(Map.of("db1", view)), new LinkedHashMap<>(Map.of("db1", identity)), ping,
            List.of("local"), List.of(arp), List.of(l2), sql);

    @Test
    void locatedNeedsOnlyTheHostsAndLeavesTheRestPending() {
        view.complete(Observed.ok(new HostSnapshot(Map.of("eth0", new InterfaceState("eth0", "02:00:00:00:00:0b",
                true, true, List.of()))), MS));
        VipFacts f = probe.located();
        assertThat(f.location().complete()).isTrue();
        assertThat(f.location().holders()).isEmpty();
        assertThat(f.ping().status()).isEqualTo(Observed.Status.PENDING);
        assertThat(f.arp()).singleElement().satisfies(a -> {
            assertThat(a.vantage()).isEqualTo("local");
            assertThat(a.entry().status()).isEqualTo(Observed.Status.PENDING);
        });
        assertThat(f.l2Macs().status()).isEqualTo(Observed.Status.PENDING);
        assertThat(f.sql().status()).isEqualTo(Observed.Status.PENDING);
    }

    @Test
    void aCutEndsTheWaitForSlowProbesAndKeepsWhatAnswered() {
        view.complete(Observed.ok(new HostSnapshot(Map.of()), MS));
        arp.complete(new ArpView("local", Observed.ok(ArpView.none(), MS)));
        CompletableFuture<Void> cut = new CompletableFuture<>();
        CompletableFuture<VipFacts> early = CompletableFuture.supplyAsync(() -> probe.early(cut));
        l2.complete(Observed.ok(List.of(), MS));
        VipFacts e = early.join();
        assertThat(e.l2Macs().known()).isTrue();
        assertThat(e.arp().get(0).entry().known()).isTrue();

        CompletableFuture<VipFacts> complete = CompletableFuture.supplyAsync(() -> probe.complete(cut));
        assertThat(complete).isNotDone();            // ping and SQL have not answered: it waits for them ...
        cut.complete(null);                          // ... until an event asks for a new cycle
        VipFacts c = complete.join();
        assertThat(c.ping().status()).isEqualTo(Observed.Status.PENDING);
        assertThat(c.sql().status()).isEqualTo(Observed.Status.PENDING);
        assertThat(c.l2Macs().known()).isTrue();
    }

    @Test
    void withoutACutCompleteHasEveryFact() {
        view.complete(Observed.ok(new HostSnapshot(Map.of()), MS));
        arp.complete(new ArpView("local", Observed.ok(ArpView.none(), MS)));
        l2.complete(Observed.ok(List.of(), MS));
        ping.complete(Observed.ok(new PingReply(false, 0, "no reply within 1000ms"), MS));
        identity.complete(new MysqlClient.Answer(true, "server_id=1", MS, null, false));
        sql.complete(new MysqlClient.Answer(false, null, MS, "connect timed out", true));
        VipFacts c = probe.complete(new CompletableFuture<>());
        assertThat(c.ping().known()).isTrue();
        assertThat(c.sql().known()).isTrue();
        assertThat(c.sql().value().ok()).isFalse();
    }
}
