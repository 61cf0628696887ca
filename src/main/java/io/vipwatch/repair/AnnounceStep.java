package io.vipwatch.repair;

import io.vipwatch.config.HostConfig;
import io.vipwatch.config.InterfaceName;
import io.vipwatch.config.RepairSettings.Burst;
import io.vipwatch.remote.CommandResult;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code announce}: gratuitous ARP from the holder, so that neighbours (and switches) move to its MAC. Follows
 * {@code repairs.bursts}: a burst of N packets is N single {@code arping -c 1} runs in one SSH exec, alternating
 * {@code -U} and {@code -A} over the whole schedule (some peers honour only one form; alternating across bursts
 * means even a schedule of single packets sends both), then the burst's wait. Waits exceed Linux's ~1 s ARP
 * locktime, within which a repeat would be ignored. Each burst is bounded by {@code step_timeout} plus its
 * packets' own 200 ms limits; the waits come on top and are skipped in a dry run.
 */
final class AnnounceStep implements Step {
    @Override
    public void check(RepairRun run) throws Stop {
        HostConfig host = run.target();
        if (run.vipAdded()) {
            return;
        }
        boolean holds = run.facts().location().holders().contains(host.name())
                && !run.removedHolders().contains(host.name());
        if (!holds) {
            throw RepairRun.refuse(host.name() + " does not hold the VIP, so it cannot announce it");
        }
        holderInterface(run, host);
    }

    @Override
    public void run(RepairRun run) throws Stop {
        check(run);
        HostConfig host = run.target();
        InterfaceName iface = run.vipAdded() ? run.linkInterface().orElse(host.iface()) : holderInterface(run, host);
        Inet4Address vip = run.request().vip().address().address();
        List<Burst> bursts = run.settings().bursts();
        int sent = 0;
        for (int i = 0; i < bursts.size(); i++) {
            Burst burst = bursts.get(i);
            List<List<String>> packets = new ArrayList<>();
            List<String> forms = new ArrayList<>();
            for (int k = 0; k < burst.packets(); k++) {
                boolean unsolicited = (sent + k) % 2 == 0;
                packets.add(RepairCommands.gratuitous(iface, vip, unsolicited));
                forms.add(unsolicited ? "-U" : "-A");
            }
            String what = "burst " + (i + 1) + "/" + bursts.size() + ": " + burst.packets() + " gratuitous ARP "
                    + forms + " from " + host.name() + " " + iface + wait(burst.waitAfter());
            Duration limit = run.settings().stepTimeout()
                    .plus(RepairCommands.PACKET_WINDOW.multipliedBy(burst.packets()));
            Optional<CommandResult> r = run.remote(host, RepairCommands.burstScript(packets), limit, "would send "
                    + what);
            if (r.isPresent()) {
                if (!allSent(r.get(), burst.packets())) {
                    throw run.failed(r.get(), "could not send " + what);
                }
                run.record(r.get(), StepRecord.OK, "sent " + what);
                run.sleep(burst.waitAfter());
            }
            sent += burst.packets();
        }
    }

    /** Every packet's command ran: one exit status per packet, each 0 or 124 (timeout(1) ended arping's linger). */
    static boolean allSent(CommandResult r, int packets) {
        if (r.outcome() != CommandResult.Outcome.COMPLETED || r.exitCode() != 0) {
            return false;
        }
        List<String> codes = r.stdout().lines().filter(l -> l.startsWith(RepairCommands.RC_MARK))
                .map(l -> l.substring(RepairCommands.RC_MARK.length()).strip()).toList();
        return codes.size() == packets && codes.stream().allMatch(c -> c.equals("0") || c.equals("124"));
    }

    private static InterfaceName holderInterface(RepairRun run, HostConfig host) throws Stop {
        return run.holderInterface(host.name()).orElseThrow(() -> RepairRun.refuse("the interface " + host.name()
                + " carries the VIP on is unknown or not a valid interface name"));
    }

    private static String wait(Duration d) {
        return d.isZero() ? "" : ", then wait " + d.toMillis() + "ms";
    }
}
