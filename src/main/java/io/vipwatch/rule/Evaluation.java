package io.vipwatch.rule;

import java.util.List;

/**
 * The outcome of all rules for one VIP.
 *
 * @param problems  rules that fired, in rule order
 * @param undecided rules that could not be decided because a fact they need is unknown this cycle
 */
public record Evaluation(List<Problem> problems, List<String> undecided) {
    public Evaluation {
        problems = List.copyOf(problems);
        undecided = List.copyOf(undecided);
    }

    public boolean healthy() {
        return problems.isEmpty();
    }
}
