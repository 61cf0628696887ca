package io.vipwatch.rule;

import static org.assertj.core.api.Assertions.assertThat;

import io.vipwatch.testing.FakeClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleTrackerTest {
    private final FakeClock clock = new FakeClock(Instant.parse("2026-11-25T00:00:00Z"));
    private RuleSet rules;
    private Rule broken;

    @BeforeEach
    void rules(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("r.yml");
        Files.writeString(file, """
                rules:
                  - name: broken
                    when: "!ping.ok"
                    for: 2
                    clear_for: 3
                    repair: fix-it
                    cooldown: 10s
                    max_attempts: 2
                    window: 1m
                """);
        rules = new RuleLoader().load(file);
        broken = rules.rules().get(0);
    }

    private static Evaluation firing() {
        return new Evaluation(List.of(new Problem("broken", Severity.WARNING, List.of(), "")), List.of());
    }

    private static Evaluation clear() {
        return new Evaluation(List.of(), List.of());
    }

    private static Evaluation undecided() {
        return new Evaluation(List.of(), List.of("broken"));
    }

    @Test
    void firesAfterForCyclesAndResolvesAfterClearFor() {
        RuleTracker t = new RuleTracker(rules, clock);
        assertThat(t.update(firing())).isEmpty();
        assertThat(t.update(firing())).singleElement().satisfies(x -> assertThat(x.fired()).isTrue());
        assertThat(t.firing()).containsExactly(broken);
        assertThat(t.update(clear())).isEmpty();
        assertThat(t.update(clear())).isEmpty();
        assertThat(t.update(clear())).singleElement().satisfies(x -> assertThat(x.fired()).isFalse());
        assertThat(t.firing()).isEmpty();
    }

    @Test
    void anUndecidedCycleNeitherRaisesNorClears() {
        RuleTracker t = new RuleTracker(rules, clock);
        t.update(firing());
        t.update(undecided());
        assertThat(t.update(firing())).hasSize(1); // the streak survived the unknown cycle
        t.update(clear());
        t.update(clear());
        t.update(undecided());
        assertThat(t.update(clear())).hasSize(1);
    }

    @Test
    void repairsWaitForTheCooldown() {
        RuleTracker t = new RuleTracker(rules, clock);
        assertThat(t.mayRepair(broken)).isFalse(); // not firing yet
        t.update(firing());
        t.update(firing());
        assertThat(t.mayRepair(broken)).isTrue();
        t.recordAttempt(broken);
        clock.advance(Duration.ofSeconds(9));
        assertThat(t.mayRepair(broken)).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(t.mayRepair(broken)).isTrue();
    }

    @Test
    void aFaultThatKeepsComingBackExhaustsTheRepairsUntilTheVipIsHealthy() {
        RuleTracker t = new RuleTracker(rules, clock);
        for (int attempt = 0; attempt < 2; attempt++) {
            t.update(firing());
            t.update(firing());
            assertThat(t.mayRepair(broken)).isTrue();
            t.recordAttempt(broken);
            t.update(clear()); // the repair worked...
            t.update(clear());
            t.update(clear());
            clock.advance(Duration.ofSeconds(11));
        }
        t.update(firing()); // ...and the fault came back a third time
        t.update(firing());
        assertThat(t.mayRepair(broken)).isFalse();
        assertThat(t.exhausted()).containsExactly("broken");
        clock.advance(Duration.ofMinutes(5)); // even once the window has passed: only health resumes repairs
        assertThat(t.mayRepair(broken)).isFalse();
        t.update(clear());
        assertThat(t.exhausted()).isEmpty();
        t.update(clear());
        t.update(clear());
        t.update(firing());
        t.update(firing());
        assertThat(t.mayRepair(broken)).isTrue();
    }

    @Test
    void attemptsOlderThanTheWindowAreForgotten() {
        RuleTracker t = new RuleTracker(rules, clock);
        t.update(firing());
        t.update(firing());
        t.recordAttempt(broken);
        clock.advance(Duration.ofSeconds(30));
        t.recordAttempt(broken);
        clock.advance(Duration.ofSeconds(31));
        assertThat(t.mayRepair(broken)).isTrue(); // the first attempt left the 1m window
        assertThat(t.snapshot().get(0).attemptsInWindow()).isEqualTo(1);
    }

    @Test
    void aCycleFedInTwoPartsCountsEachRuleOnce() {
        RuleTracker t = new RuleTracker(rules, clock);
        // early phase decided "broken"; the late phase must not count it again
        t.update(firing(), "broken"::equals);
        t.update(firing(), rule -> !rule.equals("broken"));
        assertThat(t.firing()).isEmpty(); // for: 2 needs a second cycle
        t.update(firing(), "broken"::equals);
        assertThat(t.firing()).containsExactly(broken);
    }
}
