package io.vipwatch.cli;

import io.vipwatch.probe.VipFacts;
import io.vipwatch.rule.Evaluation;

/** One VIP's facts and what the rules made of them. */
record CheckedVip(VipFacts facts, Evaluation evaluation) {
}
