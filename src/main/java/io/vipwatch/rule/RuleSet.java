package io.vipwatch.rule;

import io.vipwatch.probe.VipFacts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The loaded rules, evaluated in file order against one VIP's facts. */
public record RuleSet(List<Rule> rules) {
    public RuleSet {
        rules = List.copyOf(rules);
    }

    public Evaluation evaluate(VipFacts facts) {
        Map<String, Object> values = FactSchema.values(facts);
        List<Problem> problems = new ArrayList<>();
        List<String> undecided = new ArrayList<>();
        for (Rule rule : rules) {
            switch (rule.evaluate(values)) {
                case FIRES -> problems.add(new Problem(rule.name(), rule.severity(), rule.hostsFor(values),
                        rule.summary()));
                case UNKNOWN -> undecided.add(rule.name());
                case CLEAR -> {
                }
            }
        }
        return new Evaluation(problems, undecided);
    }
}
