package io.vipwatch.probe;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Merges the L2 views of several vantage points: the union of MACs if any vantage answered, else unknown. */
final class L2Merge {
    private L2Merge() {
    }

    static Observed<List<String>> merge(List<CompletableFuture<Observed<List<String>>>> views) {
        Set<String> macs = new LinkedHashSet<>();
        Observed<List<String>> firstUnknown = null;
        boolean anyKnown = false;
        Duration longest = Duration.ZERO;
        for (CompletableFuture<Observed<List<String>>> f : views) {
            Observed<List<String>> o = f.join();
            longest = o.elapsed().compareTo(longest) > 0 ? o.elapsed() : longest;
            if (o.known()) {
                anyKnown = true;
                macs.addAll(o.value());
            } else if (firstUnknown == null) {
                firstUnknown = o;
            }
        }
        return anyKnown || firstUnknown == null ? Observed.ok(List.copyOf(macs), longest) : firstUnknown;
    }
}
