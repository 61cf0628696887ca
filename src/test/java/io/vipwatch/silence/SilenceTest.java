package io.vipwatch.silence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SilenceTest {
    private static final Instant T0 = Instant.parse("2025-06-01T10:00:00Z");

    private static Silence silence(Optional<String> vip) {
        return new Silence("3f9c1a2b", "main", vip, T0, T0.plus(Duration.ofHours(2)), "MHA switch", "alice",
                Optional.empty());
    }

    @Test
    void aVipSilenceCoversOnlyThatVipOfThatCluster() {
        Silence s = silence(Optional.of("rw"));
        assertThat(s.matches("main", "rw")).isTrue();
        assertThat(s.matches("main", "ro")).isFalse();
        assertThat(s.matches("other", "rw")).isFalse();
        assertThat(s.scope()).isEqualTo("main/rw");
    }

    @Test
    void aClusterSilenceCoversEveryVipOfTheCluster() {
        Silence s = silence(Optional.empty());
        assertThat(s.matches("main", "rw")).isTrue();
        assertThat(s.matches("main", "ro")).isTrue();
        assertThat(s.matches("other", "rw")).isFalse();
        assertThat(s.scope()).isEqualTo("main/*");
    }

    @Test
    void activeFromCreationInclusiveToEndExclusive() {
        Silence s = silence(Optional.empty());
        assertThat(s.activeAt(T0.minusMillis(1))).isFalse();
        assertThat(s.activeAt(T0)).isTrue();
        assertThat(s.activeAt(T0.plus(Duration.ofHours(2)).minusMillis(1))).isTrue();
        assertThat(s.activeAt(T0.plus(Duration.ofHours(2)))).isFalse();
    }

    @Test
    void expiringEndsItEarlyButNeverExtendsIt() {
        Silence early = silence(Optional.empty()).expiredAt(T0.plus(Duration.ofMinutes(30)));
        assertThat(early.end()).isEqualTo(T0.plus(Duration.ofMinutes(30)));
        assertThat(early.activeAt(T0.plus(Duration.ofMinutes(29)))).isTrue();
        assertThat(early.activeAt(T0.plus(Duration.ofMinutes(30)))).isFalse();
        Silence late = silence(Optional.empty()).expiredAt(T0.plus(Duration.ofHours(5)));
        assertThat(late.end()).isEqualTo(T0.plus(Duration.ofHours(2)));
    }

    @Test
    void rejectsUnsafeIdsAndEmptyLengths() {
        assertThatThrownBy(() -> new Silence("../x", "main", Optional.empty(), T0, T0.plusSeconds(60), "r", "a",
                Optional.empty())).hasMessageContaining("silence id must be 1-64 of [A-Za-z0-9_-], was '../x'");
        assertThatThrownBy(() -> new Silence("abc", "main", Optional.empty(), T0, T0, "r", "a", Optional.empty()))
                .hasMessageContaining("silence abc ends at 2025-06-01T10:00:00Z, not after it begins");
    }
}
