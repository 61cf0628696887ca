package io.vipwatch.rule;

import java.util.List;
import java.util.Objects;

/**
 * A rule that fired for one VIP.
 *
 * @param hosts the hosts the problem is about (e.g. both holders of a split brain), possibly empty
 */
public record Problem(String name, Severity severity, List<String> hosts, String summary) {
    public Problem {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(summary, "summary");
        hosts = List.copyOf(hosts);
    }
}
