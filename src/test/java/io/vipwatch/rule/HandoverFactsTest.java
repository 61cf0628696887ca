package io.vipwatch.rule;

import static org.assertj.core.api.Assertions.assertThat;

import io.vipwatch.config.HolderPolicy;
import io.vipwatch.probe.Roles;
import io.vipwatch.probe.VipFacts;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** How a VIP's last handover (MHA, through {@code vipwatch mha start}) decides who should hold it. */
class HandoverFactsTest {
    private static RuleSet rules;

    @BeforeAll
    static void load() throws Exception {
        rules = new RuleLoader().loadBundled();
    }

    @Test
    void aStaticVipBelongsWhereTheHandoverPutItSoTheOldHolderIsMisplaced() {
        Facts f = new Facts().handedTo("db2");
        VipFacts facts = f.build();
        assertThat(facts.expectedHolder()).contains("db2");
        assertThat(facts.handoverOutdated()).isFalse();
        assertThat(problems(f)).containsExactly("vip-misplaced");
        assertThat(problems(new Facts().handedTo("db2").holders("db2"))).doesNotContain("vip-misplaced");
    }

    @Test
    void anOldMasterThatCameBackWritableLosesToTheHandover() {
        Facts f = writable(List.of("db1", "db2")).holders("db1", "db2").handedTo("db2");
        VipFacts facts = f.build();
        assertThat(facts.expectedHolder()).contains("db2");
        assertThat(facts.rightfulMac()).contains(Facts.MAC2);
        assertThat(problems(f)).contains("duplicate-holders", "master-ambiguous");
        // without the handover nobody knows: no rightful holder, nothing to repair
        assertThat(writable(List.of("db1", "db2")).holders("db1", "db2").build().expectedHolder()).isEmpty();
    }

    @Test
    void aHandoverNeverOverrulesASingleMasterAndIsThenOutdated() {
        VipFacts facts = writable(List.of("db3")).handedTo("db2").build();
        assertThat(facts.expectedHolder()).contains("db3");
        assertThat(facts.handoverOutdated()).isTrue();
        assertThat(writable(List.of("db2")).handedTo("db2").build().handoverOutdated()).isFalse();
    }

    @Test
    void aHandoverPicksOnlyAmongTheMastersSeenAndOnlyWhenEveryHostAnswered() {
        assertThat(writable(List.of("db1", "db3")).handedTo("db2").build().expectedHolder()).isEmpty();
        Facts unknown = writable(List.of("db2")).handedTo("db2");
        unknown.roles = new Roles(List.of("db2"), false);
        VipFacts facts = unknown.build();
        assertThat(facts.expectedHolder()).isEmpty();
        assertThat(facts.handoverOutdated()).isFalse();
    }

    @Test
    void policyAnyUsesTheHandoverOnlyToSettleSeveralHolders() {
        Facts two = any().holders("db1", "db2").handedTo("db2");
        assertThat(two.build().expectedHolder()).contains("db2");
        VipFacts one = any().holders("db1").handedTo("db2").build();
        assertThat(one.expectedHolder()).isEmpty();
        assertThat(one.handoverOutdated()).isTrue();
        assertThat(rules.evaluate(any().holders("db1").handedTo("db2").build()).healthy()).isTrue();
    }

    private static Facts writable(List<String> masters) {
        Facts f = new Facts();
        f.policy = HolderPolicy.writable();
        f.roles = new Roles(masters, true);
        return f;
    }

    private static Facts any() {
        Facts f = new Facts();
        f.policy = HolderPolicy.any();
        return f;
    }

    private static List<String> problems(Facts f) {
        return rules.evaluate(f.build()).problems().stream().map(Problem::name).toList();
    }
}
