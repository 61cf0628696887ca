package io.vipwatch.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vipwatch.config.HolderPolicy;
import io.vipwatch.config.Ipv4;
import io.vipwatch.config.VipAddress;
import io.vipwatch.config.VipConfig;
import io.vipwatch.testing.FakeClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HandoversTest {
    private static final Instant T0 = Instant.parse("2026-12-07T09:00:00Z");
    private static final VipAddress ADDRESS = new VipAddress(Ipv4.parse("198.51.100.100").orElseThrow(), 25);
    private static final VipConfig RW = vip("rw", HolderPolicy.writable());
    private static final VipConfig RO_ON_DB2 = vip("ro", HolderPolicy.of("db2"));

    @TempDir
    Path dir;
    private final FakeClock clock = new FakeClock(T0);

    @Test
    void aHandoverIsKeptPerVipAndTheLatestWins() throws IOException {
        Handovers store = new Handovers(dir.resolve("state"), clock);
        assertThat(store.applying("main", RW)).isEmpty();
        store.record("main", RW, "db2", "test");
        clock.advance(Duration.ofMinutes(5));
        HandedOver latest = store.record("main", RW, "db1", "test");
        store.record("other", RW, "db3", "test");

        assertThat(store.list()).hasSize(2);
        assertThat(store.applying("main", RW)).contains(latest);
        assertThat(latest.at()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
        // a second reader (the service) sees what the CLI wrote
        assertThat(new Handovers(dir.resolve("state"), clock).applying("other", RW).map(HandedOver::host))
                .contains("db3");
    }

    @Test
    void aStaticVipsHandoverLapsesWhenTheConfigNamesAnotherHolder() throws IOException {
        Handovers store = new Handovers(dir, clock);
        store.record("main", RO_ON_DB2, "db3", "test");
        assertThat(store.applying("main", RO_ON_DB2).map(HandedOver::host)).contains("db3");
        assertThat(store.applying("main", vip("ro", HolderPolicy.of("db1")))).isEmpty();
        assertThat(store.applying("main", vip("ro", HolderPolicy.writable()))).isEmpty();
    }

    @Test
    void forgetRemovesOnlyTheHandoverItWasGiven() throws IOException {
        Handovers store = new Handovers(dir, clock);
        HandedOver first = store.record("main", RW, "db2", "test");
        clock.advance(Duration.ofSeconds(1));
        HandedOver second = store.record("main", RW, "db1", "test");
        assertThat(store.forget(first)).isFalse(); // a newer handover replaced it: it stays
        assertThat(store.applying("main", RW)).contains(second);
        assertThat(store.forget(second)).isTrue();
        assertThat(store.applying("main", RW)).isEmpty();
        assertThat(new Handovers(dir.resolve("never-written"), clock).forget(second)).isFalse();
    }

    @Test
    void aCorruptFileKeepsTheLastGoodHandoverAndRefusesWrites() throws IOException {
        Handovers store = new Handovers(dir, clock);
        HandedOver h = store.record("main", RW, "db2", "test");
        assertThat(store.applying("main", RW)).contains(h);
        Files.writeString(Path.of(store.where()), "{\"version\": 1, \"handovers\": [{\"cluster\": \"main\"}]}",
                StandardCharsets.UTF_8);

        assertThat(store.applying("main", RW)).contains(h);
        assertThat(store.readProblem()).get().asString().contains(store.where(), "\"vip\"");
        assertThatThrownBy(() -> store.record("main", RW, "db1", "test")).isInstanceOf(IOException.class)
                .hasMessageContaining("not changing it");
        assertThat(Files.readString(Path.of(store.where()))).doesNotContain("db1");
    }

    @Test
    void theFileIsReadableJsonWithTheConfiguredHolderOfTheTime() throws IOException {
        Handovers store = new Handovers(dir, clock);
        store.record("main", RO_ON_DB2, "db3", "MHA, through vipwatch mha --command=start");
        String json = Files.readString(Path.of(store.where()));
        assertThat(json).contains("\"version\" : 1", "\"host\" : \"db3\"", "\"configured_holder\" : \"db2\"",
                "\"at\" : \"2026-12-07T09:00:00Z\"");
        assertThat(Handovers.decode(json.getBytes(StandardCharsets.UTF_8)))
                .containsExactly(new HandedOver("main", "ro", "db3", Optional.of("db2"), T0,
                        "MHA, through vipwatch mha --command=start"));
    }

    private static VipConfig vip(String name, HolderPolicy policy) {
        return new VipConfig(name, ADDRESS, policy, Optional.empty(), Optional.empty(), false);
    }
}
