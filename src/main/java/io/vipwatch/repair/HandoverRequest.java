package io.vipwatch.repair;

import io.vipwatch.config.ClusterConfig;
import io.vipwatch.config.Config;
import io.vipwatch.config.HostConfig;
import io.vipwatch.config.VipConfig;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A failover manager's request, in its own words: which command, the old and the new master as it names them
 * (addresses and host names, in the order to try), and which VIPs ({@code vips} empty: those that follow the
 * master). The same request is run by {@code vipwatch mha} itself or handed to the running service.
 *
 * @param planned an online switch: the old master is alive, and not reaching it calls the switch off
 */
public record HandoverRequest(String command, List<String> oldMaster, List<String> newMaster, boolean planned,
                              List<String> vips, Duration budget, boolean dryRun) {
    public static final List<String> COMMANDS = List.of("status", "stop", "stopssh", "start");

    public HandoverRequest {
        Objects.requireNonNull(command, "command");
        oldMaster = oldMaster.stream().filter(Objects::nonNull).filter(s -> !s.isBlank()).toList();
        newMaster = newMaster.stream().filter(Objects::nonNull).filter(s -> !s.isBlank()).toList();
        vips = List.copyOf(vips);
        Objects.requireNonNull(budget, "budget");
    }

    /** The request mapped onto a config: the cluster, its hosts and VIPs. */
    public record Resolved(ClusterConfig cluster, HostConfig oldMaster, Optional<HostConfig> newMaster,
                           List<VipConfig> vips) {
    }

    /** Maps the request onto {@code config}, or says in one line why it cannot be (nothing has run then). */
    public Resolved resolve(Config config) throws IllegalArgumentException {
        if (!COMMANDS.contains(command)) {
            throw new IllegalArgumentException("--command must be status, stop, stopssh or start, not '" + command
                    + "'");
        }
        Found old = match(config, oldMaster).orElseThrow(() -> new IllegalArgumentException(
                "the old master (" + String.join(", ", oldMaster) + ") is no host of " + config.source()));
        ClusterConfig cluster = old.cluster();
        Optional<HostConfig> target = Optional.empty();
        if (command.equals("start")) {
            target = match(config, newMaster).filter(m -> m.cluster() == cluster).map(Found::host);
            if (target.isEmpty()) {
                throw new IllegalArgumentException("the new master (" + String.join(", ", newMaster)
                        + ") is no host of cluster '" + cluster.name() + "' in " + config.source());
            }
        }
        List<VipConfig> moved = vips.isEmpty() ? Handover.followingMaster(cluster)
                : cluster.vips().stream().filter(v -> vips.contains(v.name())).toList();
        if (moved.isEmpty()) {
            throw new IllegalArgumentException(vips.isEmpty()
                    ? "no VIP of cluster '" + cluster.name() + "' follows the master: give the VIPs MHA moves "
                            + "expected_holder: writable (or name them with --vip)"
                    : "cluster '" + cluster.name() + "' has no VIP named " + String.join(", ", vips));
        }
        return new Resolved(cluster, old.host(), target, moved);
    }

    /** The configured host meant: by address first (MHA passes the resolved IP), then by name. */
    private record Found(ClusterConfig cluster, HostConfig host) {
    }

    private static Optional<Found> match(Config config, List<String> ipsOrNames) {
        for (boolean byAddress : List.of(true, false)) {
            for (String g : ipsOrNames) {
                for (ClusterConfig c : config.clusters()) {
                    for (HostConfig h : c.hosts()) {
                        if ((byAddress ? h.ip() : h.name()).equals(g)) {
                            return Optional.of(new Found(c, h));
                        }
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** Runs the request with {@code handover}, resolved on its config. */
    public Handover.Outcome run(Handover handover, Resolved r) {
        return switch (command) {
            case "status" -> handover.status(r.cluster(), r.vips(), r.oldMaster());
            case "start" -> handover.start(r.cluster(), r.vips(), Optional.of(r.oldMaster()),
                    r.newMaster().orElseThrow());
            default -> handover.stop(r.cluster(), r.vips(), r.oldMaster(), planned);
        };
    }

    /** What a call that ran out of time returns: a failover's stop must not block the failover. */
    public Handover.Verdict onTimeout() {
        return command.startsWith("stop") && !planned ? Handover.Verdict.WARNING : Handover.Verdict.ABORT;
    }
}
