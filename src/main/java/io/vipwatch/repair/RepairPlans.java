package io.vipwatch.repair;

import io.vipwatch.config.ConfigException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The repair plans of a rule file or directory, by name. Plans live under a top-level {@code plans:} key next to
 * (or instead of) {@code rules:}; the bundled ones are in {@code rules/repair-plans.yml}:
 *
 * <pre>
 * plans:
 *   restore-vip:
 *     steps: [check-link, guard-no-other-mac, add-vip, announce, verify]
 * </pre>
 *
 * Loading checks everything a plan can get wrong without running it: unknown keys and step names, duplicate plan
 * names (also across files), empty step lists, and steps in an unsafe order ({@code add-vip} needs an earlier
 * {@code check-link} and {@code guard-no-other-mac}). Errors read {@code FILE:LINE: key.path: message}.
 */
public final class RepairPlans {
    /** Where the plans bundled in the jar live (copied from the repository's {@code rules/}). */
    public static final String BUNDLED = "/rules/repair-plans.yml";

    private final Map<String, RepairPlan> plans;

    RepairPlans(List<RepairPlan> plans) {
        Map<String, RepairPlan> byName = new LinkedHashMap<>();
        for (RepairPlan p : plans) {
            if (byName.putIfAbsent(p.name(), p) != null) {
                throw new IllegalArgumentException("duplicate plan " + p.name());
            }
        }
        this.plans = Collections.unmodifiableMap(byName);
    }

    public Optional<RepairPlan> get(String name) {
        return Optional.ofNullable(plans.get(name));
    }

    /** Plan names in the order they were defined. */
    public Set<String> names() {
        return plans.keySet();
    }

    /**
     * Loads the {@code plans:} of a file, or of every {@code *.yml}/{@code *.yaml} of a directory in name order.
     * Files without {@code plans:} contribute nothing (their other keys are the rule loader's business), so the
     * result may be empty.
     */
    public static RepairPlans load(Path fileOrDir) throws ConfigException {
        return new RepairPlans(PlanLoader.load(fileOrDir));
    }

    /** Loads the plans bundled with vipwatch. */
    public static RepairPlans loadBundled() throws ConfigException {
        return new RepairPlans(PlanLoader.loadResource(BUNDLED));
    }

    @Override
    public String toString() {
        return "RepairPlans" + plans.keySet();
    }
}
