package io.vipwatch.probe;

import java.util.Objects;

/**
 * A kernel neighbour (ARP) entry.
 *
 * @param mac   lower case; empty for entries without a link-layer address (INCOMPLETE, FAILED)
 * @param state REACHABLE, STALE, DELAY, PROBE, PERMANENT, NOARP, INCOMPLETE or FAILED
 */
public record NeighbourEntry(String device, String mac, String state) {
    public NeighbourEntry {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(state, "state");
    }
}
