package io.vipwatch.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.vipwatch.config.ClusterConfig;
import io.vipwatch.config.HostConfig;
import io.vipwatch.config.InterfaceName;
import io.vipwatch.config.Ipv4;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LiveLocationsTest {
    private static final String VIP = "198.51.100.100/25";
    private static final HostSnapshot HOLDING = snapshot(List.of("198.51.100.11/25", VIP));
    private static final HostSnapshot EMPTY = snapshot(List.of("198.51.100.12/25"));

    private final LiveLocations live = new LiveLocations(Duration.ZERO);

    @Test
    void knowsNothingBeforeAStreamIsUpAndSettled() {
        long token = live.beginRead("lab", "db1");
        assertThat(token).isNegative();
        live.read("lab", "db1", token, Observed.ok(HOLDING, Duration.ZERO));
        assertThat(live.cluster(cluster("db1"))).isEmpty();

        LiveLocations settling = new LiveLocations(Duration.ofHours(1));
        settling.stream("lab", "db1", true);
        assertThat(settling.beginRead("lab", "db1")).as("ip monitor may not listen yet").isNegative();
    }

    @Test
    void anEventPatchesTheLastReadAtOnce() {
        upAndRead("db1", HOLDING);
        upAndRead("db2", EMPTY);
        assertThat(holders()).containsExactly("db1");

        live.event("lab", "db1", "eth0", VIP, false);
        assertThat(holders()).isEmpty();
        live.event("lab", "db2", "eth0", VIP, true);
        assertThat(holders()).containsExactly("db2");
        live.event("lab", "db2", "eth0", VIP, true); // an event the read had already seen changes nothing
        assertThat(live.cluster(cluster("db1", "db2")).orElseThrow().get("db2").value().iface("eth0").orElseThrow()
                .addresses()).containsExactly("198.51.100.12/25", VIP);
    }

    @Test
    void aReadOvertakenByAnEventIsDropped() {
        upAndRead("db1", HOLDING);
        long token = live.beginRead("lab", "db1");
        live.event("lab", "db1", "eth0", VIP, false);
        live.read("lab", "db1", token, Observed.ok(HOLDING, Duration.ZERO)); // may predate the deletion
        assertThat(live.cluster(cluster("db1")).orElseThrow().get("db1").value().carrying("198.51.100.100"))
                .isEmpty();
    }

    @Test
    void aFailedReadOrAStreamThatEndedForgetsTheHost() {
        upAndRead("db1", HOLDING);
        live.read("lab", "db1", live.beginRead("lab", "db1"), Observed.timeout("no answer", Duration.ZERO));
        assertThat(live.cluster(cluster("db1"))).isEmpty();

        upAndRead("db1", HOLDING);
        live.stream("lab", "db1", false);
        assertThat(live.cluster(cluster("db1"))).isEmpty();
    }

    @Test
    void anAddressOnAnUnknownInterfaceForgetsTheHostRatherThanGuessItsLink() {
        assertThat(LiveLocations.patched(HOLDING, "eth9", VIP, true)).isEmpty();
        assertThat(LiveLocations.patched(HOLDING, "eth9", VIP, false)).contains(HOLDING);
    }

    private void upAndRead(String host, HostSnapshot snapshot) {
        live.stream("lab", host, true);
        live.read("lab", host, live.beginRead("lab", host), Observed.ok(snapshot, Duration.ZERO));
    }

    private List<String> holders() {
        Map<String, Observed<HostSnapshot>> views = live.cluster(cluster("db1", "db2")).orElseThrow();
        return views.entrySet().stream().filter(e -> e.getValue().value().carrying("198.51.100.100").isPresent())
                .map(Map.Entry::getKey).toList();
    }

    private static HostSnapshot snapshot(List<String> addresses) {
        return new HostSnapshot(Map.of("eth0", new InterfaceState("eth0", "02:00:00:00:00:0b", true, true,
                addresses)));
    }

    private static ClusterConfig cluster(String... hosts) {
        List<HostConfig> configs = java.util.Arrays.stream(hosts).map(h -> new HostConfig(h,
                Ipv4.parse("198.51.100.1" + h.charAt(2)).orElseThrow(), new InterfaceName("eth0"))).toList();
        return new ClusterConfig("lab", configs, List.of(), List.of());
    }
}
