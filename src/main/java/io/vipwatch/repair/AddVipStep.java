package io.vipwatch.repair;

import io.vipwatch.config.HostConfig;
import io.vipwatch.config.InterfaceName;
import io.vipwatch.probe.Location;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code add-vip}: {@code ip addr add VIP/PREFIX dev IF} on the expected holder, on the interface
 * {@code check-link} chose. Only when every host answered the probe (a host whose SSH timed out may hold the VIP:
 * unknown is not absent) and no host holds it, apart from holders this plan removed.
 */
final class AddVipStep implements Step {
    @Override
    public void check(RepairRun run) throws Stop {
        run.target();
        Location loc = run.facts().location();
        if (!loc.complete()) {
            List<String> why = new ArrayList<>();
            loc.unreachable().forEach(h -> why.add(h + ": " + loc.hostDetails().getOrDefault(h, "no answer")));
            throw RepairRun.refuse("where the VIP is is unknown, so it is not added: " + String.join("; ", why));
        }
        List<String> holders = new ArrayList<>(loc.holders());
        holders.removeAll(run.removedHolders());
        if (!holders.isEmpty()) {
            throw RepairRun.refuse("the VIP is already held by " + String.join(", ", holders));
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
        InterfaceName iface = run.linkInterface().orElse(host.iface());
        String what = run.request().vip().address() + " on " + host.name() + " " + iface;
        run.change(host, RepairCommands.addVip(run.request().vip().address(), iface), "would add " + what,
                "could not add " + what, "added " + what);
        run.vipAdded(true);
    }
}
