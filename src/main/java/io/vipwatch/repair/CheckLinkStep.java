package io.vipwatch.repair;

import io.vipwatch.config.HostConfig;
import io.vipwatch.config.InterfaceName;
import io.vipwatch.probe.InterfaceState;
import io.vipwatch.probe.IpParsers;
import io.vipwatch.probe.Location;
import io.vipwatch.remote.CommandResult;
import java.util.Optional;

/**
 * {@code check-link}: the expected holder's VIP interface must have link (admin UP and carrier). The probe's view
 * answers when the host was seen; otherwise {@code ip -o link show dev IF} asks now. When the interface is down
 * and the host has a {@code fallback_interface} with link, later steps use the fallback; otherwise the repair is
 * refused — a VIP put on a dead link is a VIP nobody reaches.
 */
final class CheckLinkStep implements Step {

    @Override
    public void check(RepairRun run) throws Stop {
        run.target();
    }

    @Override
    public void run(RepairRun run) throws Stop {
        HostConfig host = run.target();
        Location loc = run.facts().location();
        boolean seen = loc.hosts().contains(host.name()) && !loc.unreachable().contains(host.name());
        if (seen && !loc.linkDown().contains(host.name())) {
            run.linkInterface(host.iface());
            run.note(host.name(), run.orDryRun(StepRecord.OK), host.iface() + " has link (probed at "
                    + run.facts().observedAt() + ")");
        } else if (seen) {
            useFallback(run, host, loc.hostDetails().getOrDefault(host.name(), host.iface() + " has no link"));
        } else {
            askNow(run, host);
        }
    }

    /** The probe could not reach the host, so its view is unknown: ask it now. */
    private static void askNow(RepairRun run, HostConfig host) throws Stop {
        Optional<CommandResult> r = run.remote(host, RepairCommands.linkShow(host.iface()), run.remaining(),
                "would check that " + host.iface() + " has link");
        if (r.isEmpty()) {
            run.linkInterface(host.iface());
            return;
        }
        Optional<Boolean> up = linkUp(r.get(), host.iface());
        if (up.isEmpty()) {
            throw run.refused(r.get(), "cannot tell whether " + host.iface() + " on " + host.name() + " has link");
        }
        if (up.get()) {
            run.linkInterface(host.iface());
            run.record(r.get(), StepRecord.OK, host.iface() + " has link");
            return;
        }
        String why = "interface " + host.iface() + " has no link";
        run.record(r.get(), StepRecord.OK, why + "; looking for a fallback");
        useFallback(run, host, why);
    }

    private static void useFallback(RepairRun run, HostConfig host, String why) throws Stop {
        if (host.fallbackInterface().isEmpty()) {
            throw RepairRun.refuse(host.name() + ": " + why + ", and it has no fallback_interface");
        }
        InterfaceName fallback = host.fallbackInterface().get();
        Optional<CommandResult> r = run.remote(host, RepairCommands.linkShow(fallback), run.remaining(),
                why + "; would use fallback " + fallback + " if it has link");
        if (r.isEmpty()) {
            run.linkInterface(fallback);
            return;
        }
        Optional<Boolean> up = linkUp(r.get(), fallback);
        if (up.isEmpty()) {
            throw run.refused(r.get(), host.name() + ": " + why + ", and whether fallback " + fallback
                    + " has link is unknown");
        }
        if (!up.get()) {
            throw run.refused(r.get(), host.name() + ": " + why + ", and fallback " + fallback + " has none either");
        }
        run.linkInterface(fallback);
        run.record(r.get(), StepRecord.OK, why + "; using fallback " + fallback + ", which has link");
    }

    /**
     * Whether {@code ip -o link show dev IF} says the interface is usable: true/false, or empty when the command
     * did not run (unknown). A missing device (exit 1, "does not exist") is a definite no.
     */
    static Optional<Boolean> linkUp(CommandResult r, InterfaceName iface) {
        if (r.outcome() != CommandResult.Outcome.COMPLETED) {
            return Optional.empty();
        }
        if (r.exitCode() != 0) {
            return r.stderr().contains("does not exist") ? Optional.of(false) : Optional.empty();
        }
        return Optional.ofNullable(IpParsers.links(r.stdout()).get(iface.value())).map(InterfaceState::linkUp);
    }
}
