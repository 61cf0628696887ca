package io.vipwatch.repair;

import io.vipwatch.config.ClusterConfig;
import io.vipwatch.config.VipConfig;
import io.vipwatch.probe.Location;
import io.vipwatch.probe.VipFacts;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One repair to run: "rule {@code rule} fired for {@code vip}, run {@code plan}".
 *
 * @param facts          the snapshot the rule fired on; every precondition is judged on it (and on fresh checks)
 * @param expectedHolder the host that should carry the VIP, as resolved by the caller from the VIP's policy;
 *                       empty: every step that needs a target refuses ("alert only")
 * @param dryRun         plan and audit every step, run nothing (also forced by {@code repairs.dry_run} and the
 *                       VIP's {@code dry_run})
 * @param reprobe        a fresh probe of this VIP, for {@code verify}; may block (its own deadlines apply)
 * @param relocate       where the VIP is now, from fresh reads of the hosts' interfaces only, for
 *                       {@code remove-extra-holders}; may block
 * @param problemGone    whether fresh facts no longer show the problem, for {@code verify}
 */
public record RepairRequest(ClusterConfig cluster, VipConfig vip, String rule, RepairPlan plan, VipFacts facts,
                            Optional<String> expectedHolder, boolean dryRun, Supplier<VipFacts> reprobe,
                            Supplier<Location> relocate, Predicate<VipFacts> problemGone) {
    public RepairRequest {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(vip, "vip");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(facts, "facts");
        Objects.requireNonNull(expectedHolder, "expectedHolder");
        Objects.requireNonNull(reprobe, "reprobe");
        Objects.requireNonNull(relocate, "relocate");
        Objects.requireNonNull(problemGone, "problemGone");
    }

    /** {@code cluster/vip}, for messages. */
    String key() {
        return cluster.name() + "/" + vip.name();
    }
}
