package io.vipwatch.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How repairs run.
 *
 * @param dryRun        plan and log every repair, run none of its commands
 * @param maxConcurrent repairs in flight at once over all VIPs
 * @param stepTimeout   the limit of one repair step (one command, or one verify)
 * @param guardWindow   how long {@code guard-no-other-mac} listens for an answer to its {@code arping -D}
 * @param bursts        the gratuitous-ARP schedule, e.g. 2 packets, wait 1.1 s, 2 packets, wait 2 s, 1 packet
 */
public record RepairSettings(boolean dryRun, int maxConcurrent, Duration stepTimeout, Duration guardWindow,
                             List<Burst> bursts) {
    /** Linux ignores ARP updates of an entry within its ~1 s locktime: waits between bursts must exceed it. */
    public static final Duration MIN_BURST_GAP = Duration.ofMillis(1100);
    /**
     * A live host's kernel answers ARP within a millisecond on a LAN (FIELD-NOTES: replies in well under 1 ms in
     * the lab); 150 ms leaves two orders of magnitude for a loaded host and still keeps the guard off the
     * critical path of a repair.
     */
    public static final Duration DEFAULT_GUARD_WINDOW = Duration.ofMillis(150);

    /** {@code packets} gratuitous ARPs (alternately unsolicited requests and replies), then {@code waitAfter}. */
    public record Burst(int packets, Duration waitAfter) {
        public Burst {
            Objects.requireNonNull(waitAfter, "waitAfter");
            if (packets < 1) {
                throw new IllegalArgumentException("a burst has at least one packet, found " + packets);
            }
        }
    }

    public RepairSettings {
        Objects.requireNonNull(stepTimeout, "stepTimeout");
        Objects.requireNonNull(guardWindow, "guardWindow");
        bursts = List.copyOf(bursts);
        if (bursts.isEmpty()) {
            throw new IllegalArgumentException("at least one burst");
        }
    }

    public static List<Burst> defaultBursts() {
        return List.of(new Burst(2, MIN_BURST_GAP), new Burst(2, Duration.ofSeconds(2)), new Burst(1, Duration.ZERO));
    }
}
