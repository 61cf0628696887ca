package io.vipwatch.probe;

import java.util.Objects;

/**
 * The neighbour entry for a VIP as one vantage point sees it: the watchdog host ({@code local}) or an observer.
 * An entry of state {@code NONE} with no MAC means the vantage has no entry at all.
 */
public record ArpView(String vantage, Observed<NeighbourEntry> entry) {
    public ArpView {
        Objects.requireNonNull(vantage, "vantage");
        Objects.requireNonNull(entry, "entry");
    }

    public static NeighbourEntry none() {
        return new NeighbourEntry("", "", "NONE");
    }
}
