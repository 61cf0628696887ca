package io.vipwatch.alert;

import io.vipwatch.probe.VipFacts;
import io.vipwatch.repair.RepairOutcome;
import io.vipwatch.rule.Evaluation;
import io.vipwatch.rule.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything one notification tells, before it is rendered for a channel: the news of one VIP's cycle for one
 * channel (several alerts of one cycle go out together), with the facts behind them and what vipwatch did.
 *
 * @param repair  the latest repair of this VIP that concerns these alerts, if any
 * @param silence the silence in force, described for people, if any
 */
public record AlertMessage(String channel, String cluster, String vip, String vipAddress, Instant at,
                           List<Item> items, VipFacts facts, Evaluation evaluation, Optional<RepairOutcome> repair,
                           Optional<String> silence) {
    public AlertMessage {
        Objects.requireNonNull(channel, "channel");
        items = List.copyOf(items);
        if (items.isEmpty()) {
            throw new IllegalArgumentException("a message without news");
        }
        Objects.requireNonNull(facts, "facts");
        Objects.requireNonNull(evaluation, "evaluation");
        Objects.requireNonNull(repair, "repair");
        Objects.requireNonNull(silence, "silence");
    }

    /**
     * One alert in the message.
     *
     * @param action what vipwatch did or will do about it, for people: "repair restore-vip: succeeded", "alert
     *               only", "dry-run", "repairs suspended by silence …"
     */
    public record Item(AlertEvent event, Severity severity, String summary, List<String> hosts, String action,
                       Optional<String> runbook) {
        public Item {
            Objects.requireNonNull(event, "event");
            hosts = List.copyOf(hosts);
        }
    }

    /** Firing when any alert in it fires (first time or again), resolved when all are over. */
    public boolean firing() {
        return items.stream().anyMatch(i -> !i.event().resolved());
    }
}
