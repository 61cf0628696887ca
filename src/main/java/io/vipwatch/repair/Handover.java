package io.vipwatch.repair;

import io.vipwatch.config.ClusterConfig;
import io.vipwatch.config.Config;
import io.vipwatch.config.HolderPolicy;
import io.vipwatch.config.HostConfig;
import io.vipwatch.config.InterfaceName;
import io.vipwatch.config.MysqlSettings;
import io.vipwatch.config.RepairSettings;
import io.vipwatch.config.VipAddress;
import io.vipwatch.config.VipConfig;
import io.vipwatch.probe.HostSnapshot;
import io.vipwatch.probe.InterfaceState;
import io.vipwatch.probe.Observed;
import io.vipwatch.remote.CommandResult;
import io.vipwatch.remote.MysqlClient;
import io.vipwatch.remote.ShellWords;
import io.vipwatch.remote.SshPool;
import io.vipwatch.state.HandedOver;
import io.vipwatch.state.Handovers;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Moves a cluster's writer VIPs on a failover manager's word: MHA's {@code master_ip_failover_script} and
 * {@code master_ip_online_change_script} (see {@code cli.MhaCommand}). Unlike a rule's repair, the authority to
 * move comes from the caller, which has decided which host is the master; what vipwatch adds is the checks the
 * copied scripts leave out, a deadline on everything, and an audit line for every command.
 *
 * <ul>
 *   <li>{@link #stop}: {@code ip addr del} of the VIPs on the old master. An old master that cannot be reached is a
 *       {@link Verdict#WARNING} in a failover (MHA carries on; when the host comes back with the VIP,
 *       {@code vipwatch run} sees a duplicate holder and removes it from the host that the handover did not name)
 *       and an {@link Verdict#ABORT} in a planned switch (nothing is lost by not switching).</li>
 *   <li>{@link #start}: the target's link (or its fallback interface), no VIP on a third host, no MAC but the old
 *       master's answering for the VIP ({@code arping -D}), {@code ip addr add}, the first gratuitous ARPs at once,
 *       then {@code SELECT} through the VIP until the new master answers. MHA sets {@code read_only=0} only after
 *       this returns, so nothing slow happens here: the later bursts are the running service's job. Each VIP put in
 *       place is written down as handed over ({@link Handovers}), so the watch expects it there from now on.</li>
 *   <li>{@link #status}: the old master answers over SSH and the VIPs are where they should be.</li>
 * </ul>
 *
 * <p>Evidence that is unknown never counts as "absent": a third host that cannot be read might hold the VIP, so
 * {@code start} refuses then. The old master is the exception, by the caller's word: it is being failed away from.
 */
public final class Handover {
    /** What the call tells its caller, in MHA's terms. */
    public enum Verdict {
        /** Done and checked. */
        DONE(0),
        /** Not all done, but carrying on is the better choice; what is missing is said loudly. */
        WARNING(10),
        /** Do not carry on. */
        ABORT(1);

        public final int exitCode;

        Verdict(int exitCode) {
            this.exitCode = exitCode;
        }

        /** The graver of the two: the constants are declared from the mildest to the gravest. */
        Verdict worst(Verdict other) {
            return compareTo(other) >= 0 ? this : other;
        }
    }

    /** The verdict and what happened, one line per fact or action, for the caller's log. */
    public record Outcome(Verdict verdict, List<String> lines) {
        public Outcome {
            lines = List.copyOf(lines);
        }
    }

    /** Between two SQL attempts through the VIP while waiting for the new master to answer. */
    private static final Duration VERIFY_PAUSE = Duration.ofMillis(20);
    /**
     * TCP connect limits of the attempts through the VIP, the last one repeated. The first SYN may go to the old
     * master's MAC (the watchdog's neighbour entry is updated by the gratuitous ARP sent at the same moment) and be
     * lost; TCP would send it again only after a second. A new attempt sends a new SYN, to the new MAC. On a LAN a
     * connect takes a millisecond, so the first attempts give up early; later ones allow for a slower network.
     */
    private static final List<Duration> VERIFY_CONNECTS = List.of(Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(200));
    /** Who a {@link HandedOver} names as its author. */
    static final String HANDED_OVER_BY = "MHA, through vipwatch mha --command=start";
    /** How much longer than the other hosts' reads {@code start} waits for the old master's. */
    private static final Duration OLD_MASTER_GRACE = Duration.ofMillis(250);

    private final Config config;
    private final SshPool ssh;
    private final MysqlClient mysql;
    /** Like {@link #mysql}, with each of {@link #VERIFY_CONNECTS} (at most {@code mysql.connect_timeout}). */
    private final List<MysqlClient> verifiers;
    private final AuditLog audit;
    private final Clock clock;
    private final boolean dryRun;
    private final long deadlineNanos;
    private final String id = UUID.randomUUID().toString().substring(0, 8);
    private final String rule;
    private final Handovers handovers;
    private final Optional<Afterwards> afterwards;

    /**
     * @param rule   what the audit lines name as their cause, e.g. {@code mha-start}
     * @param budget the whole call's time; every command gets what is left of it (at most its own timeout)
     */
    public Handover(Config config, SshPool ssh, MysqlClient mysql, AuditLog audit, Handovers handovers, Clock clock,
                    String rule, Duration budget, boolean dryRun) {
        this(config, ssh, mysql, audit, handovers, clock, rule, budget, dryRun, Optional.empty());
    }

    /**
     * @param afterwards where the service runs what outlives the call: {@code start}'s later gratuitous-ARP bursts
     *                   (a one-shot {@code vipwatch mha} exits when MHA's call returns, and sends only the first)
     */
    public Handover(Config config, SshPool ssh, MysqlClient mysql, AuditLog audit, Handovers handovers, Clock clock,
                    String rule, Duration budget, boolean dryRun, Optional<Afterwards> afterwards) {
        this.config = config;
        this.ssh = ssh;
        this.mysql = mysql;
        MysqlSettings m = config.mysql();
        this.verifiers = VERIFY_CONNECTS.stream().map(c -> new MysqlClient(new MysqlSettings(m.user(), m.password(),
                m.port(), c.compareTo(m.connectTimeout()) < 0 ? c : m.connectTimeout(), m.queryTimeout(), m.sslMode())))
                .toList();
        this.audit = audit;
        this.clock = clock;
        this.rule = rule;
        this.dryRun = dryRun || config.repairs().dryRun();
        this.deadlineNanos = System.nanoTime() + budget.toNanos();
        this.handovers = handovers;
        this.afterwards = afterwards;
    }

    /**
     * The VIPs that follow the master: those with policy {@code writable}. A static {@code expected_holder} is the
     * operator's word that the VIP belongs on that host, which need not be the master (a reader VIP on a replica),
     * so such a VIP moves only when named ({@code --vip}); the watch then expects it on the new host.
     */
    public static List<VipConfig> followingMaster(ClusterConfig cluster) {
        return cluster.vips().stream().filter(v -> v.policy().kind() == HolderPolicy.Kind.WRITABLE).toList();
    }

    /** Whether the old master answers and carries {@code vips}. */
    public Outcome status(ClusterConfig cluster, List<VipConfig> vips, HostConfig master) {
        Log log = new Log(cluster, "status");
        Optional<HostSnapshot> seen = read(master, log);
        if (seen.isEmpty()) {
            return log.outcome(Verdict.ABORT, "cannot read the interfaces of the master " + master.name());
        }
        for (VipConfig vip : vips) {
            String ip = vip.address().ip();
            log.line(seen.get().carrying(ip).isPresent()
                    ? vip.name() + " (" + ip + ") is on " + master.name()
                    : "WARNING: " + vip.name() + " (" + ip + ") is not on the master " + master.name()
                            + " (vipwatch run puts it back if its policy says so)");
        }
        return log.outcome(Verdict.DONE, "ready: " + master.name() + " answers over SSH");
    }

    /**
     * Takes {@code vips} off {@code master}. {@code planned}: an online switch, where the old master is alive and
     * an unreachable or failing one aborts the switch; otherwise a failover, which must not be blocked by it.
     */
    public Outcome stop(ClusterConfig cluster, List<VipConfig> vips, HostConfig master, boolean planned) {
        Log log = new Log(cluster, "stop");
        Optional<HostSnapshot> seen = read(master, log);
        if (seen.isEmpty()) {
            String what = "cannot reach the old master " + master.name() + ": its VIPs ("
                    + String.join(", ", vips.stream().map(VipConfig::name).toList()) + ") may still be up there";
            return planned ? log.outcome(Verdict.ABORT, what + "; the switch is called off")
                    : log.outcome(Verdict.WARNING, "WARNING: " + what + ". Failover continues; when "
                            + master.name() + " comes back with a VIP, vipwatch run reports duplicate-holders and "
                            + "removes it there (start hands the VIPs to the new master); until then, make sure "
                            + master.name() + " stays fenced");
        }
        Verdict verdict = Verdict.DONE;
        for (VipConfig vip : vips) {
            Optional<InterfaceState> on = seen.get().carrying(vip.address().ip());
            if (on.isEmpty()) {
                log.record(vip, "remove", master.name(), "", null, StepRecord.OK,
                        vip.name() + " is not on " + master.name());
                continue;
            }
            InterfaceName iface = named(on.get().name(), master.iface());
            boolean removed = log.change(vip, "remove", master, RepairCommands.removeVip(held(vip, on.get()), iface),
                    "removed " + vip.name() + " from " + master.name() + " " + iface.value());
            if (!removed) {
                verdict = verdict.worst(planned ? Verdict.ABORT : Verdict.WARNING);
            }
        }
        return log.outcome(verdict, verdict == Verdict.DONE ? "stopped: " + master.name() + " carries none of the VIPs"
                : "the VIPs could not all be removed from " + master.name());
    }

    /** Puts {@code vips} on {@code target}, the new master, after the checks in the class comment. */
    public Outcome start(ClusterConfig cluster, List<VipConfig> vips, Optional<HostConfig> oldMaster,
                         HostConfig target) {
        Log log = new Log(cluster, "start");
        ExecutorService pool = Executors.newFixedThreadPool(cluster.hosts().size() + vips.size() + 1, r -> {
            Thread t = new Thread(r, "vipwatch-handover");
            t.setDaemon(true);
            return t;
        });
        try {
            // The target's server identity and every host's interfaces, all at once.
            CompletableFuture<MysqlClient.Answer> identity = CompletableFuture.supplyAsync(
                    () -> mysql.ask(target.ip(), false), pool);
            Map<String, CompletableFuture<Optional<HostSnapshot>>> reads = new LinkedHashMap<>();
            for (HostConfig h : cluster.hosts()) {
                reads.put(h.name(), CompletableFuture.supplyAsync(() -> read(h, log), pool));
            }
            // The guard listens a whole guard_window for other MACs: it starts now too, on the VIP interface, and is
            // judged once the reads are in (a target without link there guards its fallback afresh, see place).
            Map<String, CompletableFuture<CommandResult>> guards = new LinkedHashMap<>();
            for (VipConfig vip : vips) {
                guards.put(vip.name(), CompletableFuture.supplyAsync(() -> listen(vip, target, target.iface()), pool));
            }
            Map<String, Optional<HostSnapshot>> seen = new LinkedHashMap<>();
            String old = oldMaster.map(HostConfig::name).orElse("");
            reads.forEach((name, f) -> {
                if (!name.equals(old)) {
                    seen.put(name, join(f).orElse(Optional.empty()));
                }
            });
            // A dead old master would hold the new one back by a whole connect_timeout: it gets only a moment
            // more than the others, and one it cannot be read in is unknown (its MAC then counts as a stranger's).
            if (reads.containsKey(old)) {
                seen.put(old, join(reads.get(old), OLD_MASTER_GRACE).orElse(Optional.empty()));
            }
            Optional<HostSnapshot> targetView = seen.get(target.name());
            if (targetView.isEmpty()) {
                return log.outcome(Verdict.ABORT, "cannot read the interfaces of the new master " + target.name());
            }
            Verdict verdict = Verdict.DONE;
            List<VipConfig> added = new ArrayList<>();
            Map<String, InterfaceName> placed = new LinkedHashMap<>();
            List<CompletableFuture<Void>> remembering = new ArrayList<>();
            List<CompletableFuture<Void>> announcing = new ArrayList<>();
            for (VipConfig vip : vips) {
                Optional<Placed> on = place(log, cluster, vip, oldMaster, target, seen, guards.get(vip.name()));
                if (on.isEmpty()) {
                    verdict = Verdict.ABORT;
                    continue;
                }
                added.add(vip);
                InterfaceName iface = on.get().iface();
                placed.put(vip.name(), iface);
                if (!dryRun) {
                    remembering.add(CompletableFuture.runAsync(() -> remember(log, cluster, vip, target), pool));
                }
                // Each packet's arping lingers after sending (cut at PACKET_WINDOW): they go out in parallel, and
                // verify does not wait for them. A one-shot call waits for them before it returns (its JVM exits
                // then); the service lets them finish and be audited after MHA has its answer.
                for (boolean unsolicited : on.get().firstSent() ? List.of(false) : List.of(true, false)) {
                    announcing.add(CompletableFuture.runAsync(
                            () -> announce(log, vip, target, iface, unsolicited), pool));
                }
            }
            if (verdict == Verdict.ABORT) {
                remembering.forEach(this::join);
                announcing.forEach(this::join);
                return log.outcome(verdict, "the new master " + target.name() + " did not get every VIP");
            }
            Optional<String> expected = join(identity).filter(MysqlClient.Answer::ok).map(MysqlClient.Answer::identity);
            for (VipConfig vip : added) {
                verdict = verdict.worst(verify(log, vip, target, expected));
            }
            remembering.forEach(this::join); // the watch's next cycle, right after this returns, must see them
            if (afterwards.isEmpty()) {
                announcing.forEach(this::join);
            }
            for (VipConfig vip : added) {
                laterBursts(log, cluster, vip, target, placed.get(vip.name()));
            }
            return log.outcome(verdict, verdict == Verdict.DONE
                    ? "started: " + target.name() + " carries and answers for every VIP"
                    : "started, with warnings above");
        } finally {
            if (afterwards.isPresent()) {
                pool.shutdown(); // the first gratuitous ARPs may still be going out
            } else {
                pool.shutdownNow();
            }
        }
    }

    /**
     * Writes down that the VIP now belongs on the target, for the watch (see {@link Handovers}): it then neither
     * moves a static VIP back nor lets an old master that returns with the VIP keep it. A failure to write is a
     * warning; the VIP is in place either way.
     */
    private void remember(Log log, ClusterConfig cluster, VipConfig vip, HostConfig target) {
        try {
            handovers.record(cluster.name(), vip, target.name(), HANDED_OVER_BY);
        } catch (IOException e) {
            log.line("WARNING: " + vip.name() + " is on " + target.name() + ", but the watch could not be told ("
                    + e.getMessage() + "): it may still expect the VIP on the old holder");
        }
    }

    /**
     * Checks and adds one VIP on the target; where it is then, or empty when it could not be added safely.
     * {@code earlyGuard} is the guard started with the reads, on the target's VIP interface.
     */
    private Optional<Placed> place(Log log, ClusterConfig cluster, VipConfig vip, Optional<HostConfig> oldMaster,
                                   HostConfig target, Map<String, Optional<HostSnapshot>> seen,
                                   CompletableFuture<CommandResult> earlyGuard) {
        String ip = vip.address().ip();
        String old = oldMaster.map(HostConfig::name).orElse("");
        HostSnapshot there = seen.get(target.name()).orElseThrow();
        List<String> elsewhere = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (HostConfig h : cluster.hosts()) {
            if (h.name().equals(target.name()) || h.name().equals(old)) {
                continue;
            }
            Optional<HostSnapshot> s = seen.get(h.name());
            if (s.isEmpty()) {
                unknown.add(h.name());
            } else if (s.get().carrying(ip).isPresent()) {
                elsewhere.add(h.name());
            }
        }
        if (!elsewhere.isEmpty() || !unknown.isEmpty()) {
            log.refuse(vip, "guard-no-other-holder", elsewhere.isEmpty() ? unknown : elsewhere,
                    elsewhere.isEmpty()
                    ? "cannot tell whether " + String.join(", ", unknown) + " carries " + vip.name()
                    + " (unreachable): not adding it to " + target.name()
                    : vip.name() + " is on " + String.join(", ", elsewhere) + ", neither the old nor the new master: "
                    + "not adding it to " + target.name());
            return Optional.empty();
        }
        Optional<HostSnapshot> oldView = oldMaster.flatMap(h -> seen.getOrDefault(h.name(), Optional.empty()));
        if (oldMaster.isPresent() && oldView.flatMap(s -> s.carrying(ip)).isPresent()) {
            // The stop did not take it (a failed or copied stop script): take it now, or this would be split brain.
            HostConfig o = oldMaster.get();
            InterfaceState on = oldView.get().carrying(ip).get();
            if (!log.change(vip, "remove", o, RepairCommands.removeVip(held(vip, on), named(on.name(), o.iface())),
                    "removed " + vip.name() + " from the old master " + o.name())) {
                log.refuse(vip, "remove", List.of(o.name()), vip.name() + " is still on the old master "
                        + o.name() + " and could not be removed: not adding it to " + target.name());
                return Optional.empty();
            }
        }
        if (there.carrying(ip).isPresent()) {
            log.record(vip, "add", target.name(), "", null, StepRecord.OK,
                    vip.name() + " is already on " + target.name());
            return Optional.of(new Placed(named(there.carrying(ip).get().name(), target.iface()), false));
        }
        Optional<InterfaceName> iface = linkedInterface(log, vip, target, there);
        if (iface.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> oldMac = oldView.flatMap(s -> s.iface(oldMaster.get().iface().value()))
                .map(InterfaceState::mac);
        CommandResult heard = iface.get().equals(target.iface())
                ? join(earlyGuard).orElseGet(() -> listen(vip, target, iface.get()))
                : listen(vip, target, iface.get());
        if (!guard(log, vip, target, iface.get(), heard, oldMac)) {
            return Optional.empty();
        }
        if (!addThenAnnounce(log, vip, target, iface.get())) {
            log.refuse(vip, "add", List.of(target.name()), "could not add " + vip.name() + " on " + target.name());
            return Optional.empty();
        }
        return Optional.of(new Placed(iface.get(), true));
    }

    /** Where {@link #place} put a VIP; {@code firstSent}: the first gratuitous ARP ({@code -U}) went out with it. */
    private record Placed(InterfaceName iface, boolean firstSent) {
    }

    /**
     * Adds the VIP and starts its first gratuitous ARP in the same exec (a dry run records the add); true when
     * added. That ARP's own exit is not waited for: the {@code -A} sent next is, and is audited with its result.
     */
    private boolean addThenAnnounce(Log log, VipConfig vip, HostConfig target, InterfaceName iface) {
        String add = ShellWords.join(RepairCommands.addVip(vip.address(), iface));
        String added = "added " + vip.name() + " on " + target.name() + " " + iface.value();
        if (dryRun) {
            return log.change(vip, "add", target, RepairCommands.addVip(vip.address(), iface), added);
        }
        String script = RepairCommands.addThenAnnounce(vip.address(), iface);
        CommandResult r = ssh.execScript(target, script, bounded(config.ssh().commandTimeout()
                .plus(RepairCommands.PACKET_WINDOW)));
        boolean ok = r.outcome() == CommandResult.Outcome.COMPLETED && r.exitCode() == 0;
        log.record(vip, "add", target.name(), add, r, ok ? StepRecord.OK : StepRecord.FAILED, ok ? added : "");
        log.line(ok ? added : target.name() + ": " + r.summary());
        if (ok) {
            log.record(vip, "announce", target.name(), script, null, StepRecord.OK, "gratuitous ARP (-U) for "
                    + vip.name() + " from " + target.name() + " started with the add (its exit is not waited for)");
        }
        return ok;
    }

    /** The target's VIP interface if it has link, else its fallback interface if that has. */
    private Optional<InterfaceName> linkedInterface(Log log, VipConfig vip, HostConfig target, HostSnapshot there) {
        for (InterfaceName candidate : candidates(target)) {
            Optional<InterfaceState> s = there.iface(candidate.value());
            if (s.isPresent() && s.get().linkUp()) {
                log.record(vip, "check-link", target.name(), "", null, StepRecord.OK,
                        candidate.value() + " on " + target.name() + " has link");
                return Optional.of(candidate);
            }
            log.line(candidate.value() + " on " + target.name() + (s.isEmpty() ? " does not exist" : " has no link"));
        }
        log.refuse(vip, "check-link", List.of(target.name()), "no interface with link on " + target.name() + " for "
                + vip.name());
        return Optional.empty();
    }

    /** An interface name as {@code ip} printed it, if it is safe to pass back to {@code ip}; else {@code fallback}. */
    private static InterfaceName named(String name, InterfaceName fallback) {
        return InterfaceName.isValid(name) ? new InterfaceName(name) : fallback;
    }

    /** The VIP as {@code on} carries it: a VIP added by hand may have another prefix length. */
    private static VipAddress held(VipConfig vip, InterfaceState on) {
        return new VipAddress(vip.address().address(), on.prefixOf(vip.address().ip())
                .orElse(vip.address().prefixLength()));
    }

    private static List<InterfaceName> candidates(HostConfig target) {
        List<InterfaceName> out = new ArrayList<>(List.of(target.iface()));
        target.fallbackInterface().ifPresent(out::add);
        return out;
    }

    /** {@code arping -D} from the target: any reply but the old master's MAC refuses. */
    /** {@code arping -D} for the VIP from {@code iface} of the target: who else answers for it. */
    private CommandResult listen(VipConfig vip, HostConfig target, InterfaceName iface) {
        Duration window = config.repairs().guardWindow();
        return ssh.exec(target, RepairCommands.duplicateProbe(iface, vip.address().address(), window),
                bounded(window.plus(config.ssh().commandTimeout())));
    }

    /** Judges what {@link #listen} heard: no MAC but the old master's may answer for the VIP. */
    private boolean guard(Log log, VipConfig vip, HostConfig target, InterfaceName iface, CommandResult r,
                          Optional<String> oldMac) {
        List<String> argv = RepairCommands.duplicateProbe(iface, vip.address().address(),
                config.repairs().guardWindow());
        boolean ran = GuardStep.ran(r) && GuardStep.sent(r);
        List<String> others = new ArrayList<>(GuardStep.replies(r.stdout()));
        oldMac.ifPresent(others::remove);
        if (!ran || !others.isEmpty()) {
            String why = !ran
                    ? "cannot tell whether another MAC answers for " + vip.name() + ": arping -D on " + target.name()
                            + " did not run or sent nothing (" + r.summary() + ")"
                    : "another MAC answers for " + vip.name() + ": " + String.join(", ", others);
            log.record(vip, "guard-no-other-mac", target.name(), ShellWords.join(argv), r, StepRecord.REFUSED, why);
            log.line("REFUSED: " + why);
            return false;
        }
        log.record(vip, "guard-no-other-mac", target.name(), ShellWords.join(argv), r, StepRecord.OK,
                "no MAC but the old master's answers for " + vip.name());
        return true;
    }

    /**
     * Bursts 2.. of {@code repairs.bursts} from the new master, in the background after {@code start} returned
     * (the two packets sent at once stand for the first burst): neighbours that missed those hear the rest, as
     * after a repair. Only in the service; a repair of the VIP that starts meanwhile cancels them.
     */
    private void laterBursts(Log log, ClusterConfig cluster, VipConfig vip, HostConfig target, InterfaceName iface) {
        List<RepairSettings.Burst> schedule = config.repairs().bursts();
        if (afterwards.isEmpty() || dryRun || schedule.size() < 2) {
            return;
        }
        new LaterBursts(log, afterwards.get(), cluster.name() + "/" + vip.name(), vip, target, iface, schedule)
                .start();
    }

    /** The tail of {@link #laterBursts}: one burst after another, each audited under {@code start}'s plan. */
    private final class LaterBursts implements Afterwards.Tail {
        private final Log log;
        private final Afterwards afterwards;
        private final String key;
        private final VipConfig vip;
        private final HostConfig target;
        private final InterfaceName iface;
        private final List<RepairSettings.Burst> schedule;
        // guarded by this
        private int next = 1;
        private boolean over;
        private java.util.concurrent.Future<?> pending;

        LaterBursts(Log log, Afterwards afterwards, String key, VipConfig vip, HostConfig target, InterfaceName iface,
                    List<RepairSettings.Burst> schedule) {
            this.log = log;
            this.afterwards = afterwards;
            this.key = key;
            this.vip = vip;
            this.target = target;
            this.iface = iface;
            this.schedule = schedule;
        }

        void start() {
            afterwards.repairStarts(key); // a tail of an earlier repair of this VIP announced another holder
            afterwards.register(key, this);
            later(schedule.get(0).waitAfter());
        }

        private synchronized void later(Duration wait) {
            if (!over) {
                pending = afterwards.after(wait, this::send);
            }
        }

        private void send() {
            int i;
            synchronized (this) {
                if (over) {
                    return;
                }
                i = next++;
            }
            List<List<String>> packets = AnnounceStep.unsolicited(schedule, i).stream()
                    .map(u -> RepairCommands.gratuitous(iface, vip.address().address(), u)).toList();
            String command = RepairCommands.burstScript(packets);
            CommandResult r = ssh.execScript(target, command, config.repairs().stepTimeout()
                    .plus(RepairCommands.PACKET_WINDOW.multipliedBy(packets.size())));
            boolean sent = AnnounceStep.allSent(r, packets.size());
            String what = "burst " + (i + 1) + "/" + schedule.size() + " (" + packets.size() + " gratuitous ARP) for "
                    + vip.name() + " from " + target.name();
            log.record(vip, "announce", target.name(), command, r, sent ? StepRecord.OK : StepRecord.FAILED,
                    (sent ? "sent " : "could not send ") + what);
            if (sent && i + 1 < schedule.size()) {
                later(schedule.get(i).waitAfter());
            } else {
                synchronized (this) {
                    over = true;
                }
                afterwards.finished(key, this);
            }
        }

        @Override
        public void cancel(String why) {
            int from;
            synchronized (this) {
                if (over) {
                    return;
                }
                over = true;
                if (pending != null) {
                    pending.cancel(false); // one being sent finishes; next is already past it
                }
                from = next;
            }
            for (int j = from; j < schedule.size(); j++) {
                log.record(vip, "announce", target.name(), "", null, StepRecord.SKIPPED,
                        "burst " + (j + 1) + "/" + schedule.size() + " " + why);
            }
        }
    }

    /** One gratuitous ARP of the first burst ({@code -U}, or {@code -A}): the service sends the later bursts. */
    private void announce(Log log, VipConfig vip, HostConfig target, InterfaceName iface, boolean unsolicited) {
        List<String> argv = RepairCommands.gratuitous(iface, vip.address().address(), unsolicited);
        String command = RepairCommands.burstScript(List.of(argv));
        if (dryRun) {
            log.record(vip, "announce", target.name(), command, null, StepRecord.DRY_RUN,
                    "would announce " + vip.name());
            return;
        }
        CommandResult r = ssh.execScript(target, command,
                bounded(RepairCommands.PACKET_WINDOW.plus(config.ssh().commandTimeout())));
        boolean sent = AnnounceStep.allSent(r, 1);
        log.record(vip, "announce", target.name(), command, r, sent ? StepRecord.OK : StepRecord.FAILED,
                sent ? "gratuitous ARP (" + (unsolicited ? "-U" : "-A") + ") for " + vip.name() + " from "
                        + target.name() : "");
        if (!sent) {
            log.line("WARNING: a gratuitous ARP for " + vip.name() + " from " + target.name() + " failed: "
                    + r.summary());
        }
    }

    /** SQL through the VIP until the new master answers, for at most {@code repairs.step_timeout}. */
    private Verdict verify(Log log, VipConfig vip, HostConfig target, Optional<String> expected) {
        if (dryRun) {
            return Verdict.DONE;
        }
        if (expected.isEmpty()) {
            log.line("WARNING: cannot verify " + vip.name() + ": the new master " + target.name()
                    + " did not tell its server identity over SQL");
            return Verdict.WARNING;
        }
        long start = System.nanoTime();
        long until = start + Math.min(config.repairs().stepTimeout().toNanos(), remainingNanos());
        String last = "";
        for (int attempt = 0; ; attempt++) {
            MysqlClient.Answer a = verifiers.get(Math.min(attempt, verifiers.size() - 1)).ask(vip.address().ip(), false);
            if (a.ok() && expected.get().equals(a.identity())) {
                log.record(vip, "verify", "local", "", null, StepRecord.OK, "SQL through " + vip.name()
                        + " answered by " + target.name() + " (" + a.identity() + ") after "
                        + Duration.ofNanos(System.nanoTime() - start).toMillis() + "ms");
                return Verdict.DONE;
            }
            last = a.ok() ? "answered by " + a.identity() + ", not " + expected.get() : a.error();
            // Each attempt may take connect_timeout: none starts that could end past the whole call's deadline.
            if (System.nanoTime() + VERIFY_PAUSE.toNanos() > until
                    || remainingNanos() < VERIFY_PAUSE.plus(config.mysql().connectTimeout()).toNanos()) {
                log.line("WARNING: SQL through " + vip.name() + " did not answer from " + target.name() + " within "
                        + Duration.ofNanos(System.nanoTime() - start).toMillis() + "ms: " + last);
                return Verdict.WARNING;
            }
            try {
                Thread.sleep(VERIFY_PAUSE.toMillis()); // a new attempt, not a wait for a condition: there is none
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Verdict.WARNING;
            }
        }
    }

    /** A host's interfaces, or empty when they cannot be read (logged). */
    private Optional<HostSnapshot> read(HostConfig host, Log log) {
        Observed<HostSnapshot> seen = HostSnapshot.read(ssh, host, bounded(config.ssh().commandTimeout()));
        if (!seen.known()) {
            log.line(host.name() + ": " + seen.detail());
        }
        return seen.get();
    }

    private long remainingNanos() {
        return deadlineNanos - System.nanoTime();
    }

    /** {@code limit}, or what is left of the call's budget if that is less (never below 1 ms). */
    private Duration bounded(Duration limit) {
        return Duration.ofNanos(Math.max(1_000_000, Math.min(limit.toNanos(), remainingNanos())));
    }

    private <T> Optional<T> join(CompletableFuture<T> f) {
        return join(f, Duration.ofNanos(Math.max(0, remainingNanos())));
    }

    private <T> Optional<T> join(CompletableFuture<T> f, Duration limit) {
        try {
            return Optional.ofNullable(f.get(Math.min(limit.toNanos(), Math.max(0, remainingNanos())),
                    TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (java.util.concurrent.ExecutionException e) {
            return Optional.empty();
        }
    }

    /** The lines of one call and its audit trail. */
    private final class Log {
        private final ClusterConfig cluster;
        private final String plan;
        private final List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());

        Log(ClusterConfig cluster, String command) {
            this.cluster = cluster;
            this.plan = "mha-" + command;
        }

        void line(String text) {
            lines.add(text);
        }

        Outcome outcome(Verdict verdict, String last) {
            lines.add(last);
            return new Outcome(verdict, lines);
        }

        /** Audits and reports a refusal of {@code step} about {@code hosts}. */
        void refuse(VipConfig vip, String step, List<String> hosts, String why) {
            record(vip, step, String.join(",", hosts), "", null, StepRecord.REFUSED, why);
            lines.add("REFUSED: " + why);
        }

        /** Runs (or in a dry run, records) a change on {@code host}; true when it ran and exited 0. */
        boolean change(VipConfig vip, String step, HostConfig host, List<String> argv, String done) {
            String command = ShellWords.join(argv);
            if (dryRun) {
                record(vip, step, host.name(), command, null, StepRecord.DRY_RUN, "would run: " + command);
                lines.add("dry run: would run on " + host.name() + ": " + command);
                return true;
            }
            CommandResult r = ssh.exec(host, argv, bounded(config.ssh().commandTimeout()));
            record(vip, step, host.name(), command, r, r.succeeded() ? StepRecord.OK : StepRecord.FAILED,
                    r.succeeded() ? done : "");
            lines.add(r.succeeded() ? done : host.name() + ": " + r.summary());
            return r.succeeded();
        }

        /** One audit line; {@code r} null for a step that ran no command. */
        void record(VipConfig vip, String step, String host, String command, CommandResult r, String result,
                    String detail) {
            StepRecord s = r == null
                    ? new StepRecord(step, host, command, -1, "", Duration.ZERO, result, detail)
                    : new StepRecord(step, host, command, r.exitCode(), r.stdout() + r.stderr(), r.elapsed(), result,
                            detail.isEmpty() ? r.summary() : detail);
            audit.append(new AuditLog.Entry(clock.instant(), id, cluster.name(), vip.name(), rule, plan, dryRun, s));
            if (!detail.isEmpty() && r == null && StepRecord.OK.equals(result)) {
                lines.add(detail);
            }
        }
    }
}
