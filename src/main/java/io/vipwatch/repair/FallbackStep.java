package io.vipwatch.repair;

import io.vipwatch.config.HostConfig;
import io.vipwatch.config.InterfaceName;
import java.util.Optional;

/**
 * {@code move-to-fallback}: the expected holder carries the VIP on an interface without link ({@code check-link}
 * chose its {@code fallback_interface} instead): add the VIP on the fallback first, then delete it from the dead
 * interface. In that order, a failure leaves the VIP where it was rather than nowhere.
 */
final class FallbackStep implements Step {
    @Override
    public void check(RepairRun run) throws Stop {
        HostConfig host = run.target();
        if (!run.facts().location().holders().contains(host.name())) {
            throw RepairRun.refuse(host.name() + " does not hold the VIP: nothing to move to its fallback");
        }
        if (run.holderInterface(host.name()).isEmpty()) {
            throw RepairRun.refuse("the interface " + host.name() + " carries the VIP on is unknown");
        }
    }

    @Override
    public void assume(RepairRun run) {
        run.vipAdded(true);
    }

    @Override
    public void run(RepairRun run) throws Stop {
        check(run);
        HostConfig host = run.target();
        InterfaceName dead = run.holderInterface(host.name()).orElseThrow();
        Optional<InterfaceName> chosen = run.linkInterface();
        if (chosen.isEmpty() || chosen.get().equals(dead)) {
            throw RepairRun.refuse(host.name() + " " + dead + " has link (or check-link did not run): nothing to move");
        }
        InterfaceName fallback = chosen.get();
        var vip = run.request().vip().address();
        String added = vip + " on " + host.name() + " " + fallback;
        run.change(host, RepairCommands.addVip(vip, fallback), "would add " + added, "could not add " + added,
                "added " + added);
        run.vipAdded(true);
        var held = run.vipAsHeldBy(host.name());
        String removed = held + " from " + host.name() + " " + dead;
        run.change(host, RepairCommands.removeVip(held, dead), "would remove " + removed,
                "added on " + fallback + " but could not remove " + removed, "removed " + removed + " (no link)");
    }
}
