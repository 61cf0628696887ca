package io.vipwatch.repair;

import io.vipwatch.config.HostConfig;
import io.vipwatch.config.InterfaceName;
import io.vipwatch.probe.Observed;
import io.vipwatch.remote.CommandResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code guard-no-other-mac}: never add a VIP while another MAC answers for it (that would be split brain made by
 * vipwatch). First the probe's L2 view: unknown refuses, and any MAC there refuses unless it belongs to a holder
 * this plan removed. A view still pending (the service acts on where the VIP is before the L2 window closed)
 * leaves the decision to the second check. Then, from the target itself, duplicate address detection
 * ({@code arping -D}, listening {@code repairs.guard_window}): any reply refuses, and so does a probe that could not
 * run or did not get its request out.
 */
final class GuardStep implements Step {
    private static final Pattern REPLY = Pattern.compile("reply from \\S+ \\[([0-9A-Fa-f:]{17})\\]",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern SENT = Pattern.compile("^Sent [1-9][0-9]* probe", Pattern.MULTILINE);

    @Override
    public void check(RepairRun run) throws Stop {
        run.target();
        Observed<List<String>> l2 = run.facts().l2Macs();
        if (l2.status() == Observed.Status.PENDING) {
            return; // arping -D from the target, on the same segment, answers the same question in run()
        }
        if (!l2.known()) {
            throw RepairRun.refuse("whether another MAC answers ARP for the VIP is unknown (" + l2.status()
                    .name().toLowerCase(Locale.ROOT) + ": " + l2.detail() + ")");
        }
        Set<String> others = new LinkedHashSet<>(l2.value());
        for (String removed : run.removedHolders()) {
            // A holder this plan took the VIP from answered in the probe; it no longer does, arping -D rechecks.
            others.remove(run.facts().location().holderMacs().get(removed));
        }
        if (!others.isEmpty()) {
            throw RepairRun.refuse("another MAC answers ARP for the VIP: " + String.join(", ", others));
        }
    }

    @Override
    public void run(RepairRun run) throws Stop {
        check(run);
        HostConfig host = run.target();
        InterfaceName iface = run.linkInterface().orElse(host.iface());
        String where = host.name() + " " + iface;
        Duration window = run.settings().guardWindow();
        Optional<CommandResult> r = run.remote(host,
                RepairCommands.duplicateProbe(iface, run.request().vip().address().address(), window),
                run.remaining(),
                "would refuse if anyone answers arping -D from " + where);
        if (r.isEmpty()) {
            return;
        }
        CommandResult result = r.get();
        if (!ran(result)) {
            throw run.refused(result, "cannot tell whether another MAC answers for the VIP: arping -D from " + where
                    + " did not run");
        }
        if (!sent(result)) {
            throw run.refused(result, "cannot tell whether another MAC answers for the VIP: arping -D from " + where
                    + " sent no request within " + window.toMillis() + "ms");
        }
        List<String> replies = replies(result.stdout());
        if (!replies.isEmpty()) {
            throw run.refused(result, "another MAC answers for the VIP (arping -D from " + where + "): "
                    + String.join(", ", replies));
        }
        run.record(result, StepRecord.OK, "no reply to arping -D from " + where + " within "
                + window.toMillis() + "ms");
    }

    /** Whether {@code arping -D} ran to its end or was cut short by timeout(1), as meant. */
    static boolean ran(CommandResult r) {
        // 124: timeout(1) ended the wait (no reply, the usual case); 1: arping -D got a reply; 0: none within -w.
        return r.outcome() == CommandResult.Outcome.COMPLETED && List.of(0, 1, 124).contains(r.exitCode());
    }

    /**
     * Whether the request went out: on SIGINT arping prints "Sent N probes"; without it, the window may have closed
     * before the request left (a slow start on a loaded host), and silence would prove nothing.
     */
    static boolean sent(CommandResult r) {
        return SENT.matcher(r.stdout()).find();
    }

    /** The MAC of every "reply from" line, lower case; a reply line without a readable MAC counts as "?". */
    static List<String> replies(String output) {
        List<String> macs = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (line.toLowerCase(Locale.ROOT).contains("reply from")) {
                Matcher m = REPLY.matcher(line);
                String mac = m.find() ? m.group(1).toLowerCase(Locale.ROOT) : "?";
                if (!macs.contains(mac)) {
                    macs.add(mac);
                }
            }
        }
        return macs;
    }
}
