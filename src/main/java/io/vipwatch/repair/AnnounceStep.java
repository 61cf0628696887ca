package io.vipwatch.repair;

import io.vipwatch.config.HostConfig;
import io.vipwatch.config.InterfaceName;
import io.vipwatch.config.RepairSettings.Burst;
import io.vipwatch.remote.CommandResult;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;

/**
 * {@code announce}: gratuitous ARP from the holder, so that neighbours (and switches) move to its MAC. Follows
 * {@code repairs.bursts}: a burst of N packets is N single {@code arping -c 1} runs in one SSH exec, alternating
 * {@code -U} and {@code -A} over the whole schedule (some peers honour only one form; alternating across bursts
 * means even a schedule of single packets sends both), then the burst's wait. Waits exceed Linux's ~1 s ARP
 * locktime, within which a repeat would be ignored. Each burst is bounded by {@code step_timeout} plus its
 * packets' own 200 ms limits.
 *
 * <p>The first burst is part of the repair; the later ones are sent {@link Afterwards}, so the repair is verified
 * (and the VIP's cycles go on) while they follow. A later burst needs no fresh check that the host still carries
 * the VIP: {@code arping -U/-A} takes the VIP as its source address and cannot bind it on a host without it, so a
 * tail that outlived its VIP fails (audited) instead of announcing a stale MAC. In a dry run every burst is planned
 * at once and nothing waits.
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
        Bursts bursts = new Bursts(run, host, iface);
        if (run.dryRun()) {
            for (int i = 0; i < bursts.count(); i++) {
                bursts.send(i);
            }
            return;
        }
        CommandResult first = bursts.send(0);
        if (!allSent(first, bursts.schedule.get(0).packets())) {
            throw run.failed(first, "could not send " + bursts.describe(0));
        }
        String rest = bursts.count() == 1 ? "" : "; bursts 2-" + bursts.count() + " follow in the background";
        run.record(first, StepRecord.OK, "sent " + bursts.describe(0) + rest);
        if (bursts.count() > 1) {
            bursts.tail(1, bursts.schedule.get(0).waitAfter());
        }
    }

    /** The schedule of one announce, and the tail that sends what the repair left to run afterwards. */
    private static final class Bursts implements Afterwards.Tail {
        private final RepairRun run;
        private final HostConfig host;
        private final InterfaceName iface;
        private final Inet4Address vip;
        private final List<Burst> schedule;
        private final String vipKey;
        private int next;
        private boolean cancelled;
        private Future<?> pending;

        Bursts(RepairRun run, HostConfig host, InterfaceName iface) {
            this.run = run;
            this.host = host;
            this.iface = iface;
            this.vip = run.request().vip().address().address();
            this.schedule = run.settings().bursts();
            this.vipKey = run.request().key();
        }

        int count() {
            return schedule.size();
        }

        /**
         * Sends burst {@code i} (in a dry run: records it); returns the command's result, or null in a dry run.
         * A later burst is audited under {@code announce} and is refused, like any command, once the repair's fence
         * is lost: another instance has repaired the VIP since, and may have moved it.
         */
        CommandResult send(int i) throws Stop {
            Burst burst = schedule.get(i);
            List<List<String>> packets = unsolicited(i).stream()
                    .map(u -> RepairCommands.gratuitous(iface, vip, u)).toList();
            Duration limit = run.settings().stepTimeout()
                    .plus(RepairCommands.PACKET_WINDOW.multipliedBy(burst.packets()));
            return run.remote(i == 0 ? run.step() : "announce", host, RepairCommands.burstScript(packets), limit,
                    "would send " + describe(i)).orElse(null);
        }

        String describe(int i) {
            Burst burst = schedule.get(i);
            List<String> forms = unsolicited(i).stream().map(u -> u ? "-U" : "-A").toList();
            return "burst " + (i + 1) + "/" + schedule.size() + ": " + burst.packets() + " gratuitous ARP " + forms
                    + " from " + host.name() + " " + iface + thenWait(burst.waitAfter());
        }

        private List<Boolean> unsolicited(int i) {
            return AnnounceStep.unsolicited(schedule, i);
        }

        /** Sends bursts {@code from}.. one after another, the first after {@code delay}, off the repair's thread. */
        void tail(int from, Duration delay) {
            synchronized (this) {
                next = from;
            }
            run.afterwards().register(vipKey, this);
            schedule(delay);
        }

        private void schedule(Duration delay) {
            synchronized (this) {
                if (!cancelled) {
                    pending = run.afterwards().after(delay, this::sendNext);
                }
            }
        }

        private void sendNext() {
            int i;
            synchronized (this) {
                if (cancelled) {
                    return;
                }
                i = next;
            }
            CommandResult r;
            try {
                r = send(i);
            } catch (Stop refused) {
                if (stop()) {
                    skipRest(i + 1, "not sent: burst " + (i + 1) + " was refused");
                }
                return;
            } catch (RuntimeException e) {
                if (stop()) {
                    skipRest(i, "not sent: " + e);
                }
                return;
            }
            if (!allSent(r, schedule.get(i).packets())) {
                run.recordAs("announce", r, StepRecord.FAILED, "could not send " + describe(i));
                if (stop()) {
                    skipRest(i + 1, "not sent: burst " + (i + 1) + " failed");
                }
                return;
            }
            run.recordAs("announce", r, StepRecord.OK, "sent " + describe(i));
            synchronized (this) {
                next = i + 1;
            }
            if (i + 1 < schedule.size()) {
                schedule(schedule.get(i).waitAfter());
            } else {
                run.afterwards().finished(vipKey, this);
            }
        }

        /** Ends the tail; false when it had already ended (then someone else audited the rest). */
        private synchronized boolean stop() {
            boolean wasRunning = !cancelled;
            cancelled = true;
            return wasRunning;
        }

        @Override
        public void cancel(String why) {
            int from;
            synchronized (this) {
                if (cancelled) {
                    return;
                }
                cancelled = true;
                // A burst being sent right now finishes; only one that has not started is withdrawn.
                if (pending != null && !pending.cancel(false)) {
                    from = next + 1;
                } else {
                    from = next;
                }
            }
            skipRest(from, why);
        }

        private void skipRest(int from, String why) {
            run.afterwards().finished(vipKey, this);
            for (int j = from; j < schedule.size(); j++) {
                run.noteAs("announce", host.name(), StepRecord.SKIPPED, "burst " + (j + 1) + "/" + schedule.size()
                        + " " + why);
            }
        }
    }

    /** For each packet of burst {@code i}: unsolicited request (-U), else reply (-A), alternating over the schedule. */
    static List<Boolean> unsolicited(List<Burst> schedule, int i) {
        int sentBefore = schedule.subList(0, i).stream().mapToInt(Burst::packets).sum();
        List<Boolean> forms = new ArrayList<>();
        for (int k = 0; k < schedule.get(i).packets(); k++) {
            forms.add((sentBefore + k) % 2 == 0);
        }
        return forms;
    }

    /** Every packet's command ran: one exit status per packet, each 0 or 124 (timeout(1) ended arping's linger). */
    static boolean allSent(CommandResult r, int packets) {
        if (r == null || r.outcome() != CommandResult.Outcome.COMPLETED || r.exitCode() != 0) {
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

    private static String thenWait(Duration d) {
        return d.isZero() ? "" : ", then wait " + d.toMillis() + "ms";
    }
}
