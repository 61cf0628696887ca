package io.vipwatch.repair;

import io.vipwatch.config.HostConfig;
import io.vipwatch.config.InterfaceName;
import io.vipwatch.probe.Location;
import java.util.List;

/**
 * {@code remove-extra-holders}: {@code ip addr del VIP/PREFIX dev IF} on every host positively seen holding the
 * VIP, other than the expected holder, on the interface it was seen on — seen by a fresh read of every host's
 * interfaces when the step runs: the read the rule fired on may predate a second holder that its ARP replies
 * already showed. Hosts that did not answer are never touched (their view is unknown). When no later step adds the VIP, the expected holder must itself
 * hold it — else this would leave the VIP on no host.
 */
final class RemoveHoldersStep implements Step {
    @Override
    public void check(RepairRun run) throws Stop {
        HostConfig target = run.target();
        Location loc = run.facts().location();
        if (!loc.holders().contains(target.name()) && !run.later(StepName.ADD_VIP)) {
            throw RepairRun.refuse("expected holder " + target.name() + " does not hold the VIP and this plan "
                    + "does not add it: removing the other holders would leave it on no host");
        }
        for (String holder : extras(run)) {
            run.host(holder);
            interfaceOf(run, holder);
        }
    }

    @Override
    public void assume(RepairRun run) throws Stop {
        run.removedHolders().addAll(extras(run));
    }

    @Override
    public void run(RepairRun run) throws Stop {
        run.relocate();
        check(run);
        List<String> extras = extras(run);
        if (extras.isEmpty()) {
            run.note(run.targetName(), run.orDryRun(StepRecord.SKIPPED), "no other host holds the VIP");
            return;
        }
        for (String holder : extras) {
            HostConfig host = run.host(holder);
            InterfaceName iface = interfaceOf(run, holder);
            var held = run.vipAsHeldBy(holder); // a VIP added by hand may carry another prefix
            String what = held + " from " + holder + " " + iface;
            run.change(host, RepairCommands.removeVip(held, iface), "would remove " + what, "could not remove " + what,
                    "removed " + what);
            run.removedHolders().add(holder);
        }
    }

    /** Holders other than the expected one, positively seen, not yet removed by this run. */
    private static List<String> extras(RepairRun run) throws Stop {
        String target = run.target().name();
        Location loc = run.facts().location();
        return loc.holders().stream()
                .filter(h -> !h.equals(target))
                .filter(h -> !loc.unreachable().contains(h)) // never so by construction; unknown is never acted on
                .filter(h -> !run.removedHolders().contains(h))
                .toList();
    }

    private static InterfaceName interfaceOf(RepairRun run, String holder) throws Stop {
        return run.holderInterface(holder).orElseThrow(() -> RepairRun.refuse("the interface " + holder
                + " carries the VIP on is unknown or not a valid interface name: '"
                + run.facts().location().holderInterfaces().get(holder) + "'"));
    }
}
