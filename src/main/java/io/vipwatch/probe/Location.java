package io.vipwatch.probe;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Where one VIP lives, assembled from the SSH view of every host of its cluster.
 *
 * @param hosts            every host of the cluster, in config order
 * @param holders          hosts positively seen carrying the VIP
 * @param unreachable      hosts whose view is unknown (SSH failed or timed out): the VIP may or may not be there
 * @param linkDown         hosts (of those seen) whose VIP interface is administratively down or has no carrier,
 *                         or does not exist
 * @param holdersNoLink    holders whose interface carrying the VIP has no link (nobody reaches the VIP there)
 * @param holderInterfaces holder → interface carrying the VIP
 * @param holderMacs       holder → MAC of that interface
 * @param holderPrefixes   holder → the prefix length the VIP carries there (may differ from the config's when it
 *                         was added by hand, and {@code ip addr del} needs the actual one)
 * @param hostDetails      host → why it is unreachable or its link is down, for humans
 * @param elapsed          how long the slowest host read took (one read serves every VIP of the cluster)
 */
public record Location(List<String> hosts, List<String> holders, List<String> unreachable, List<String> linkDown,
                       List<String> holdersNoLink, Map<String, String> holderInterfaces, Map<String, String> holderMacs,
                       Map<String, Integer> holderPrefixes, Map<String, String> hostDetails, Duration elapsed) {
    public Location {
        hosts = List.copyOf(hosts);
        holders = List.copyOf(holders);
        unreachable = List.copyOf(unreachable);
        linkDown = List.copyOf(linkDown);
        holdersNoLink = List.copyOf(holdersNoLink);
        holderInterfaces = Map.copyOf(holderInterfaces);
        holderMacs = Map.copyOf(holderMacs);
        holderPrefixes = Map.copyOf(holderPrefixes);
        hostDetails = Map.copyOf(hostDetails);
        java.util.Objects.requireNonNull(elapsed, "elapsed");
    }

    /** Every host answered, so an empty holder list really means "nobody has it". */
    public boolean complete() {
        return unreachable.isEmpty();
    }

    /** At least one host answered, so the holder list means something (if perhaps not everything). */
    public boolean anyAnswered() {
        return unreachable.size() < hosts.size();
    }
}
