package io.vipwatch.probe;

import io.vipwatch.config.ClusterConfig;
import io.vipwatch.config.Config;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded pools that probe calls block in: named daemon threads, sized for one full cycle at once.
 *
 * <p>SQL gets a pool of its own. A login costs milliseconds of CPU on both ends, and at 200 VIPs the logins of one
 * tick are seconds of blocked threads; in a shared pool the short calls queued behind them (the neighbour table
 * read, a ping) finished a second late, and with them the VIP's whole cycle.
 */
public final class ProbeThreads implements AutoCloseable {
    private static final int MAX_CALLS = 160;
    private static final int MAX_SQL = 96;

    private final ExecutorService calls;
    private final ExecutorService sql;

    private ProbeThreads(int calls, int sql) {
        this.calls = Executors.newFixedThreadPool(calls, named("vipwatch-probe"));
        this.sql = Executors.newFixedThreadPool(sql, named("vipwatch-sql"));
    }

    /** Enough threads that every call of a cycle can wait at the same time (they mostly wait on the network). */
    public static ProbeThreads forConfig(Config config) {
        int calls = 4;
        int queries = 0;
        for (ClusterConfig c : config.clusters()) {
            calls += c.hosts().size() + c.vips().size() * (1 + 2 * Math.max(1, c.observers().size()));
            queries += c.hosts().size() + c.vips().size();
        }
        return new ProbeThreads(Math.min(MAX_CALLS, calls), Math.min(MAX_SQL, Math.max(1, queries)));
    }

    /** SSH reads, pings, ARP and neighbour reads. */
    ExecutorService calls() {
        return calls;
    }

    /** MySQL logins and queries. */
    ExecutorService sql() {
        return sql;
    }

    @Override
    public void close() {
        calls.shutdownNow();
        sql.shutdownNow();
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
