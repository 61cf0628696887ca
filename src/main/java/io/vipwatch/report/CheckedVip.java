package io.vipwatch.report;

import io.vipwatch.probe.VipFacts;
import io.vipwatch.rule.Evaluation;

/** One VIP's facts and what the rules made of them. */
public record CheckedVip(VipFacts facts, Evaluation evaluation) {
}
