package io.vipwatch.rule;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import io.vipwatch.config.Origin;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One compiled rule: a problem name and the CEL condition that raises it.
 *
 * @param origin    where the rule is defined, for messages
 * @param lifecycle {@code for}, {@code clear_for}, repair plan, alerts, cooldown and escalation limits
 */
public record Rule(String name, Severity severity, String summary, String condition, CelRuntime.Program when,
                   Optional<CelRuntime.Program> hosts, Origin origin, Lifecycle lifecycle) {
    /** What a condition evaluated to. UNKNOWN when it needed a fact that this cycle could not establish. */
    public enum Verdict { FIRES, CLEAR, UNKNOWN }

    public Rule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(when, "when");
        Objects.requireNonNull(hosts, "hosts");
        Objects.requireNonNull(lifecycle, "lifecycle");
    }

    public Verdict evaluate(Map<String, Object> facts) {
        try {
            Object result = when.eval(facts);
            if (result instanceof Boolean b) {
                return b ? Verdict.FIRES : Verdict.CLEAR;
            }
            return Verdict.UNKNOWN; // CelUnknownSet: a needed fact is missing this cycle
        } catch (CelEvaluationException e) {
            return Verdict.UNKNOWN; // e.g. an index into an empty list
        }
    }

    /** The hosts this problem concerns, from the rule's {@code hosts} expression; empty when it has none. */
    public List<String> hostsFor(Map<String, Object> facts) {
        if (hosts.isEmpty()) {
            return List.of();
        }
        try {
            Object result = hosts.get().eval(facts);
            if (result instanceof List<?> list) {
                return list.stream().map(String::valueOf).toList();
            }
        } catch (CelEvaluationException e) {
            // fall through: a problem without host attribution is still a problem
        }
        return List.of();
    }
}
