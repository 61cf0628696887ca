package io.vipwatch.repair;

import java.util.List;
import java.util.Objects;

/**
 * A named, ordered list of repair steps, as written in a plan file ({@code plans:} in a rule file).
 *
 * @param name   the plan's name, which a rule's {@code repair:} refers to, e.g. {@code restore-vip}
 * @param steps  step names from the fixed vocabulary ({@code check-link}, {@code guard-no-other-mac},
 *               {@code add-vip}, {@code remove-extra-holders}, {@code announce}, {@code flush-stale-entries},
 *               {@code verify}); never empty
 * @param origin {@code FILE:LINE} where the plan was defined, for messages
 */
public record RepairPlan(String name, List<String> steps, String origin) {
    public RepairPlan {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(origin, "origin");
        steps = List.copyOf(steps);
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("plan " + name + " has no steps");
        }
        for (String s : steps) {
            if (StepName.of(s).isEmpty()) {
                throw new IllegalArgumentException("plan " + name + ": unknown step '" + s + "' (expected one of "
                        + String.join(", ", StepName.labels()) + ")");
            }
        }
        PlanLoader.orderProblem(steps).ifPresent(p -> {
            throw new IllegalArgumentException("plan " + name + ": " + p);
        });
    }

    List<StepName> stepNames() {
        return steps.stream().map(s -> StepName.of(s).orElseThrow()).toList();
    }
}
