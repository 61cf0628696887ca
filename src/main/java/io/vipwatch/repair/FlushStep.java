package io.vipwatch.repair;

import io.vipwatch.config.HostConfig;
import io.vipwatch.config.InterfaceName;
import io.vipwatch.probe.ArpView;
import io.vipwatch.probe.NeighbourEntry;
import io.vipwatch.remote.CommandResult;
import io.vipwatch.remote.LocalExec;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code flush-stale-entries}: {@code ip neigh del VIP dev DEV} on every vantage (the watchdog host, or an
 * observer over SSH) whose neighbour entry positively points to another MAC than the rightful holder's. A
 * gratuitous ARP does not fix a {@code permanent} entry, nor one a host refuses to update; deleting it makes the
 * next packet ask afresh. Vantages whose entry is unknown are left alone. An entry that vanished meanwhile counts
 * as deleted.
 */
final class FlushStep implements Step {
    /** States without a MAC to be wrong about. */
    private static final Set<String> NO_MAC = Set.of("NONE", "INCOMPLETE", "FAILED");

    @Override
    public void check(RepairRun run) throws Stop {
        if (run.facts().rightfulMac().isEmpty()) {
            throw RepairRun.refuse("no rightful holder MAC to compare neighbour entries with");
        }
        for (ArpView view : stale(run)) {
            device(view);
            if (!view.vantage().equals(LocalExec.WHERE)) {
                observer(run, view.vantage());
            }
        }
    }

    @Override
    public void run(RepairRun run) throws Stop {
        check(run);
        List<ArpView> stale = stale(run);
        String rightful = run.facts().rightfulMac().orElseThrow();
        if (stale.isEmpty()) {
            run.note("", run.orDryRun(StepRecord.SKIPPED), "no vantage has a wrong entry for the VIP");
            return;
        }
        for (ArpView view : stale) {
            NeighbourEntry entry = view.entry().value();
            List<String> argv = RepairCommands.deleteNeighbour(run.request().vip().address().address(), device(view));
            String what = view.vantage() + "'s entry (" + entry.mac() + " " + entry.state() + "; holder is "
                    + rightful + ")";
            Optional<CommandResult> r = view.vantage().equals(LocalExec.WHERE)
                    ? run.local(argv, run.remaining(), "would delete " + what)
                    : run.remote(observer(run, view.vantage()), argv, run.remaining(), "would delete " + what);
            if (r.isEmpty()) {
                continue;
            }
            if (!deleted(r.get())) {
                throw run.failed(r.get(), "could not delete " + what);
            }
            run.record(r.get(), StepRecord.OK, "deleted " + what);
        }
    }

    /** Vantages whose known entry has a MAC other than the rightful one. */
    private static List<ArpView> stale(RepairRun run) {
        Optional<String> rightful = run.facts().rightfulMac();
        return run.facts().arp().stream()
                .filter(v -> v.entry().known())
                .filter(v -> !NO_MAC.contains(v.entry().value().state()) && !v.entry().value().mac().isEmpty())
                .filter(v -> rightful.isPresent() && !v.entry().value().mac().equals(rightful.get()))
                .toList();
    }

    /** Exit 0, or exit 2 "No such file or directory": the entry is gone either way. */
    static boolean deleted(CommandResult r) {
        return r.succeeded() || r.outcome() == CommandResult.Outcome.COMPLETED && r.exitCode() == 2
                && r.stderr().contains("No such file or directory");
    }

    private static InterfaceName device(ArpView view) throws Stop {
        String dev = view.entry().value().device();
        if (!InterfaceName.isValid(dev)) {
            throw RepairRun.refuse(view.vantage() + "'s entry is on device '" + dev
                    + "', which is not a valid interface name");
        }
        return new InterfaceName(dev);
    }

    private static HostConfig observer(RepairRun run, String name) throws Stop {
        return run.cluster().observers().stream().filter(o -> o.name().equals(name)).findFirst()
                .orElseThrow(() -> RepairRun.refuse("vantage " + name + " is not an observer of cluster "
                        + run.cluster().name()));
    }
}
