package io.vipwatch.probe;

import io.vipwatch.config.ClusterConfig;
import io.vipwatch.config.Config;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** The bounded pool that probe calls block in: named daemon threads, sized for one full cycle at once. */
public final class ProbeThreads {
    private static final int MAX = 256;

    private ProbeThreads() {
    }

    /** Enough threads that every call of a cycle can wait at the same time (they mostly wait on the network). */
    public static ExecutorService forConfig(Config config) {
        int calls = 4;
        for (ClusterConfig c : config.clusters()) {
            calls += 2 * c.hosts().size() + c.vips().size() * (2 + 2 * Math.max(1, c.observers().size()));
        }
        return Executors.newFixedThreadPool(Math.min(MAX, calls), named("vipwatch-probe"));
    }

    static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
