package io.vipwatch.fleet;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.vipwatch.alert.Outbox;
import io.vipwatch.alert.ThisHost;
import io.vipwatch.config.SchedulerSettings;
import io.vipwatch.state.StateDocument;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several vipwatch instances over one MySQL/MariaDB job store ({@code scheduler.store: jdbc}). One connection pool
 * serves Quartz's clustered job store, the VIPs' shared state and their repair leases, all in table
 * {@code VIPWATCH_VIPS} next to Quartz's.
 *
 * <p>Design. Quartz runs a VIP's cycle on one instance at a time, but on any of them, so what a cycle carries over
 * to the next — rule streaks and repair attempts (the {@code for}, {@code clear_for} and {@code max_attempts}
 * gates) and what each alert channel was told — is saved per VIP at the end of every cycle, with a version, and
 * picked up by whichever instance runs the next one. A repair needs the VIP's lease, and the grant is one
 * conditional UPDATE: no unexpired lease held, and the VIP's version still the one this cycle began with (a cycle
 * of an instance that was frozen while another ran the VIP is stale and gets none). The grant saves the state
 * with the repair's attempt counted, so attempts survive the repairer; the lease is given back by the repairer's
 * end-of-cycle save, and nobody else saves while it is held, so a cycle that probed during someone's repair (and
 * saw the VIP mid-repair) can neither be granted a lease nor leave its view behind. Each grant increments the
 * lease's epoch, the fencing token in every audit line; every command of the repair first renews the lease, and
 * refuses once it ran out (judged on this process's monotonic clock too, so a frozen process notices without asking)
 * or another epoch was granted. Times are the database's ({@code NOW(3)}), so the instances' clocks do not matter
 * for leases.
 *
 * <p>The same database keeps what the instances share besides: the silences and handovers ({@link JdbcDocument})
 * and a copy of each instance's pending notifications ({@link JdbcOutboxShare}).
 *
 * <p>The job store's health is checked every check-in interval, and on every failed statement. While it is down
 * nothing is read or written (a cycle must not wait on a dead database), no lease is granted, and the instance
 * watches and alerts on its own (see the service's degraded mode).
 */
public final class JdbcFleet implements Fleet {
    private static final Logger log = LoggerFactory.getLogger(JdbcFleet.class);
    /**
     * Quartz's job store finds the pool by name, in a JVM-wide registry. Each fleet membership registers its own
     * name: during a reload the old and the new one coexist, and the old scheduler must keep its own pool (a new
     * one that fails to start is closed, and must not take the running scheduler's connections with it).
     */
    private static final String DATA_SOURCE = "vipwatch-job-store";
    private static final AtomicLong MEMBERSHIPS = new AtomicLong();

    private final SchedulerSettings settings;
    private final SchedulerSettings.JobStore store;
    private final HikariConfig poolConfig;
    private final String dataSource = DATA_SOURCE + "-" + MEMBERSHIPS.incrementAndGet();
    /** Replaced by a fresh one when the job store comes back (see {@link #reconnect()}). */
    private volatile HikariDataSource pool;
    private final String holder;
    private final Clock clock;
    private final ScheduledExecutorService health;
    private final Consumer<Optional<Outage>> onHealth;
    private final Consumer<String> onLease;
    private final AtomicLong granted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private volatile Outage outage;
    private long lastHealthCheck = System.nanoTime();
    private static final Duration OUTAGE_CHECKS = Duration.ofMillis(500);

    /**
     * Connects, creates what the job store lacks, and makes a row for each VIP. Throws when the job store cannot
     * be reached at start: an instance that never joined the fleet has nothing to degrade from.
     *
     * @param onHealth told when the job store goes down (an outage) or comes back (empty)
     * @param onLease  told of each lease decision: granted, refused or lost
     */
    public static JdbcFleet open(SchedulerSettings settings, Collection<String> vipKeys, Clock clock,
                                 Consumer<Optional<Outage>> onHealth, Consumer<String> onLease)
            throws SQLException, IOException {
        JdbcFleet fleet = new JdbcFleet(settings, clock, onHealth, onLease);
        try (Connection c = fleet.pool.getConnection()) {
            // Waiting for the schema lock must end before the driver's socket timeout does, or the wait would
            // fail as a broken connection instead of saying who holds the lock.
            JobStoreSchema.ensure(c, Math.max(1, settings.jobStore().orElseThrow().queryTimeout().toSeconds() - 1));
            fleet.insertRows(c, vipKeys);
        } catch (SQLException | IOException | RuntimeException e) {
            fleet.close();
            throw e;
        }
        fleet.start();
        return fleet;
    }

    private JdbcFleet(SchedulerSettings settings, Clock clock, Consumer<Optional<Outage>> onHealth,
                      Consumer<String> onLease) {
        this.onLease = onLease;
        this.settings = settings;
        this.store = settings.jobStore().orElseThrow();
        this.clock = clock;
        this.onHealth = onHealth;
        // A restarted instance with the same id is a different holder: a lease of its previous life is not its own.
        this.holder = settings.instanceId() + "#" + UUID.randomUUID().toString().substring(0, 8);
        HikariConfig h = new HikariConfig();
        h.setPoolName(dataSource);
        h.setJdbcUrl(jdbcUrl(store));
        h.setUsername(store.user());
        h.setPassword(store.password().reveal());
        h.setDataSourceProperties(driverProperties(store));
        // Quartz's worker threads each hold a connection briefly when a cycle starts and ends; more is waste.
        h.setMaximumPoolSize(12);
        h.setMinimumIdle(2);
        h.setConnectionTimeout(Math.max(250, store.connectTimeout().toMillis() + 500));
        h.setValidationTimeout(Math.max(250, Math.min(store.connectTimeout().toMillis(), 5000)));
        h.setInitializationFailTimeout(store.connectTimeout().toMillis() + 1000);
        // A frozen instance (SIGSTOP, a VM paused) may be frozen inside one of Quartz's transactions, holding the
        // job store's row lock: every other instance would wait for it, and the fleet would stop scheduling. The
        // server ends a session idle that long (its transaction rolled back, its locks released); a live
        // instance's transactions never idle for it, and the pool replaces a connection the server closed.
        long idleLimit = Math.max(2, (settings.checkinInterval().toMillis() * 2 + 999) / 1000);
        h.setConnectionInitSql("SET SESSION wait_timeout = " + idleLimit + ", innodb_lock_wait_timeout = "
                + Math.max(1, store.queryTimeout().toSeconds()));
        this.poolConfig = h;
        this.pool = new HikariDataSource(h);
        DBConnectionManager.getInstance().addConnectionProvider(dataSource, new ConnectionProvider() {
            @Override
            public Connection getConnection() throws SQLException {
                return pool.getConnection();
            }

            @Override
            public void shutdown() {
            }

            @Override
            public void initialize() {
            }
        });
        this.health = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "job-store-health");
            t.setDaemon(true);
            return t;
        });
    }

    private void start() {
        long ms = settings.checkinInterval().toMillis();
        health.scheduleWithFixedDelay(this::checkHealth, OUTAGE_CHECKS.toMillis(), OUTAGE_CHECKS.toMillis(),
                TimeUnit.MILLISECONDS);
        log.info("fleet {}: instance {} joined through the job store at {} (check-in every {} ms, repair lease {} ms)",
                settings.name(), settings.instanceId(), store.where(), ms, settings.repairLease().toMillis());
    }

    /**
     * Every check-in interval while the job store answers; every {@link #OUTAGE_CHECKS} while it does not, so that
     * repairs resume within half a second of its return.
     */
    private void checkHealth() {
        long now = System.nanoTime();
        if (outage != null) {
            reconnect();
            return;
        }
        if (now - lastHealthCheck < settings.checkinInterval().toNanos()) {
            return;
        }
        lastHealthCheck = now;
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.setQueryTimeout(timeoutSeconds());
            s.execute("SELECT 1");
            up();
        } catch (SQLException | RuntimeException e) {
            down(e);
        }
    }

    /**
     * During an outage: one login of its own (it fails at once while the server refuses), and once that works, a
     * fresh pool in place of the old one. The old pool's creator retries with a back-off that grows to its connection
     * timeout, so it could take that long to hand out a connection after the store is back; a fresh pool has one
     * at once, and repairs resume within a probe interval of the store's return.
     */
    private void reconnect() {
        try (Connection c = login(store); Statement s = c.createStatement()) {
            s.setQueryTimeout(timeoutSeconds());
            s.execute("SELECT 1");
        } catch (SQLException e) {
            return; // still down
        }
        HikariDataSource old = pool;
        try {
            pool = new HikariDataSource(poolConfig);
        } catch (RuntimeException e) {
            return; // it went again; the next check tries anew
        }
        // Closing waits for connections in use (a Quartz thread may hold one that is broken): not on this thread.
        Thread closer = new Thread(old::close, "job-store-old-pool");
        closer.setDaemon(true);
        closer.start();
        lastHealthCheck = System.nanoTime();
        up();
    }

    private synchronized void up() {
        Outage was = outage;
        if (was != null) {
            outage = null;
            log.warn("job store {} answers again after {} s: repairs resume", store.where(),
                    Duration.between(was.since(), clock.instant()).toSeconds());
            onHealth.accept(Optional.empty());
        }
    }

    private synchronized void down(Exception e) {
        if (outage == null) {
            outage = new Outage(clock.instant(), describe(e));
            log.error("job store {} unreachable ({}): watching and alerting on this instance alone, repairing "
                    + "nothing until it is back", store.where(), outage.reason());
            onHealth.accept(Optional.of(outage));
        }
    }

    private static String jdbcUrl(SchedulerSettings.JobStore store) {
        return "jdbc:mysql://" + store.host() + ":" + store.port() + "/" + store.database();
    }

    /** The driver's settings: vipwatch's timeouts, TLS as configured, no public key retrieval. */
    private static Properties driverProperties(SchedulerSettings.JobStore store) {
        Properties p = new Properties();
        p.setProperty("connectTimeout", Long.toString(store.connectTimeout().toMillis()));
        p.setProperty("socketTimeout", Long.toString(store.queryTimeout().toMillis()));
        p.setProperty("sslMode", store.sslMode());
        p.setProperty("allowPublicKeyRetrieval", "false");
        return p;
    }

    /** One connection of its own, outside any pool. */
    private static Connection login(SchedulerSettings.JobStore store) throws SQLException {
        Properties p = driverProperties(store);
        p.setProperty("user", store.user());
        p.setProperty("password", store.password().reveal());
        return DriverManager.getConnection(jdbcUrl(store), p);
    }

    /**
     * A fleet's shared document for a command ({@code vipwatch silence}, {@code vipwatch mha}): each read and write
     * logs in on its own, no pool, no threads.
     *
     * @param maxBytes larger is not such a document
     */
    public static StateDocument commandDocument(SchedulerSettings settings, String name, long maxBytes) {
        SchedulerSettings.JobStore store = settings.jobStore().orElseThrow();
        return new JdbcDocument(() -> login(store), settings.name(), name, store.where(),
                timeoutSeconds(store), maxBytes, Duration.ZERO, () -> true,
                "vipwatch command on " + ThisHost.name());
    }

    @Override
    public Optional<StateDocument> document(String name, long maxBytes) {
        return Optional.of(new JdbcDocument(() -> pool.getConnection(), settings.name(), name, store.where(),
                timeoutSeconds(store), maxBytes, settings.checkinInterval(), () -> outage == null,
                settings.instanceId()));
    }

    @Override
    public Outbox.Shared outbox() {
        return new JdbcOutboxShare(() -> pool.getConnection(), settings.name(), settings.instanceId(),
                settings.checkinInterval(), timeoutSeconds(store), () -> outage == null);
    }

    static String describe(Exception e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
    }

    private int timeoutSeconds() {
        return timeoutSeconds(store);
    }

    private static int timeoutSeconds(SchedulerSettings.JobStore store) {
        return (int) Math.max(1, (store.queryTimeout().toMillis() + 999) / 1000);
    }

    /** The name of this membership's pool in Quartz's registry, for the clustered scheduler's job store. */
    public String dataSource() {
        return dataSource;
    }

    @Override
    public String instanceId() {
        return settings.instanceId();
    }

    @Override
    public boolean clustered() {
        return true;
    }

    @Override
    public Optional<Outage> outage() {
        return Optional.ofNullable(outage);
    }

    @Override
    public SharedVip vip(String key) {
        return new Vip(key);
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("store", "jdbc");
        m.put("job_store", store.where());
        m.put("fleet", settings.name());
        m.put("instance", settings.instanceId());
        m.put("job_store_up", outage == null);
        Outage o = outage;
        if (o != null) {
            m.put("down_since", o.since().toString());
            m.put("down_reason", o.reason());
            m.put("repairs", "suspended: the job store is unreachable, so no lease can be granted");
        }
        m.put("checkin_interval_ms", settings.checkinInterval().toMillis());
        m.put("repair_lease_ms", settings.repairLease().toMillis());
        m.put("leases_granted", granted.get());
        m.put("leases_refused", refused.get());
        m.put("leases_lost", lost.get());
        return m;
    }

    /** A row for each VIP that has none yet (version 0, no lease); existing rows stay as they are. */
    private void insertRows(Connection c, Collection<String> keys) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "INSERT IGNORE INTO VIPWATCH_VIPS (SCHED_NAME, VIP_KEY, VERSION) VALUES (?, ?, 0)")) {
            for (String key : keys) {
                p.setString(1, settings.name());
                p.setString(2, key);
                p.addBatch();
            }
            p.executeBatch();
        }
    }

    private void count(AtomicLong counter, String result) {
        counter.incrementAndGet();
        onLease.accept(result);
    }

    @Override
    public void close() {
        health.shutdownNow();
        try {
            // a reconnect in progress may still swap the pool: let it finish first
            health.awaitTermination(store.connectTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.close();
    }

    private long leaseMicros() {
        return settings.repairLease().toNanos() / 1000;
    }

    /** One VIP's row. {@code known}: the version this instance last read or wrote; -1 when it must read again. */
    private final class Vip implements SharedVip {
        private final String key;
        private long known = -1;

        Vip(String key) {
            this.key = key;
        }

        @Override
        public Optional<String> begin() {
            if (outage != null) {
                return Optional.empty();
            }
            try (Connection c = pool.getConnection(); PreparedStatement p = c.prepareStatement(
                    "SELECT VERSION, STATE, UPDATED_BY FROM VIPWATCH_VIPS WHERE SCHED_NAME = ? AND VIP_KEY = ?")) {
                p.setQueryTimeout(timeoutSeconds());
                p.setString(1, settings.name());
                p.setString(2, key);
                try (ResultSet r = p.executeQuery()) {
                    if (!r.next()) {
                        insertRows(c, java.util.List.of(key));
                        known = 0;
                        return Optional.empty();
                    }
                    long version = r.getLong(1);
                    if (version == known) {
                        return Optional.empty();
                    }
                    log.debug("{}: continuing from version {} of {}", key, version, r.getString(3));
                    known = version;
                    return Optional.ofNullable(r.getString(2));
                }
            } catch (SQLException e) {
                down(e);
                return Optional.empty();
            }
        }

        @Override
        public void end(String state) {
            if (outage != null || known < 0) {
                return; // the next cycle with a reachable store reads first, then writes; a lease runs out by itself
            }
            // Assignments run left to right: LEASE_EXPIRES is cleared while LEASE_HOLDER still names the holder.
            try (Connection c = pool.getConnection(); PreparedStatement p = c.prepareStatement(
                    "UPDATE VIPWATCH_VIPS SET VERSION = VERSION + 1, STATE = ?, UPDATED_BY = ?, UPDATED_AT = NOW(3), "
                            + "LEASE_EXPIRES = IF(LEASE_HOLDER = ?, NULL, LEASE_EXPIRES), "
                            + "LEASE_HOLDER = IF(LEASE_HOLDER = ?, NULL, LEASE_HOLDER) "
                            + "WHERE SCHED_NAME = ? AND VIP_KEY = ? AND VERSION = ? "
                            + "AND (LEASE_HOLDER IS NULL OR LEASE_HOLDER = ? OR LEASE_EXPIRES < NOW(3))")) {
                p.setQueryTimeout(timeoutSeconds());
                p.setString(1, state);
                p.setString(2, settings.instanceId());
                p.setString(3, holder);
                p.setString(4, holder);
                p.setString(5, settings.name());
                p.setString(6, key);
                p.setLong(7, known);
                p.setString(8, holder);
                if (p.executeUpdate() == 1) {
                    known++;
                } else {
                    log.info("{}: this cycle's state is not saved: another instance saved one meanwhile or holds "
                            + "the repair lease; the next cycle continues from the job store's", key);
                    known = -1;
                }
            } catch (SQLException e) {
                down(e);
            }
        }

        @Override
        public Grant lease(Supplier<String> withAttempt) {
            Outage o = outage;
            if (o != null) {
                count(refused, "refused");
                return Grant.refused("the job store is unreachable since " + o.since() + " (" + o.reason() + ")");
            }
            if (known < 0) {
                count(refused, "refused");
                return Grant.refused("this cycle did not start from the VIP's shared state");
            }
            String state = withAttempt.get();
            long asked = System.nanoTime();
            try (Connection c = pool.getConnection()) {
                int rows;
                try (PreparedStatement p = c.prepareStatement("UPDATE VIPWATCH_VIPS SET LEASE_HOLDER = ?, "
                        + "LEASE_EPOCH = LAST_INSERT_ID(LEASE_EPOCH + 1), "
                        + "LEASE_EXPIRES = TIMESTAMPADD(MICROSECOND, ?, NOW(3)), VERSION = VERSION + 1, "
                        + "STATE = ?, UPDATED_BY = ?, UPDATED_AT = NOW(3) "
                        + "WHERE SCHED_NAME = ? AND VIP_KEY = ? AND VERSION = ? "
                        + "AND (LEASE_HOLDER IS NULL OR LEASE_EXPIRES < NOW(3))")) {
                    p.setQueryTimeout(timeoutSeconds());
                    p.setString(1, holder);
                    p.setLong(2, leaseMicros());
                    p.setString(3, state);
                    p.setString(4, settings.instanceId());
                    p.setString(5, settings.name());
                    p.setString(6, key);
                    p.setLong(7, known);
                    rows = p.executeUpdate();
                }
                if (rows == 1) {
                    long epoch;
                    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT LAST_INSERT_ID()")) {
                        r.next();
                        epoch = r.getLong(1);
                    }
                    known++;
                    count(granted, "granted");
                    return Grant.granted(new JdbcLease(key, epoch, asked));
                }
                count(refused, "refused");
                return Grant.refused(whyNot(c));
            } catch (SQLException e) {
                down(e);
                count(refused, "refused");
                return Grant.refused("cannot ask the job store for the lease: " + JdbcFleet.describe(e));
            }
        }

        private String whyNot(Connection c) throws SQLException {
            try (PreparedStatement p = c.prepareStatement("SELECT VERSION, LEASE_HOLDER, LEASE_EPOCH, LEASE_EXPIRES, "
                    + "LEASE_EXPIRES >= NOW(3), UPDATED_BY FROM VIPWATCH_VIPS WHERE SCHED_NAME = ? AND VIP_KEY = ?")) {
                p.setString(1, settings.name());
                p.setString(2, key);
                try (ResultSet r = p.executeQuery()) {
                    if (!r.next()) {
                        return "the VIP has no row in the job store";
                    }
                    if (r.getLong(1) != known) {
                        known = -1;
                        return "another instance (" + r.getString(6) + ") ran a cycle of this VIP after this one "
                                + "began: this cycle's facts are stale";
                    }
                    return "lease epoch " + r.getLong(3) + " is held by " + r.getString(2) + " until "
                            + r.getString(4);
                }
            }
        }
    }

    /** A granted lease; its checks may come from the repair's thread and from the bursts sent afterwards. */
    private final class JdbcLease implements Lease {
        private final String key;
        private final long epoch;
        /** System.nanoTime() when the database was last asked to extend the lease, before it answered. */
        private long confirmedAt;
        private boolean released;
        private boolean gone;

        JdbcLease(String key, long epoch, long confirmedAt) {
            this.key = key;
            this.epoch = epoch;
            this.confirmedAt = confirmedAt;
        }

        @Override
        public OptionalLong token() {
            return OptionalLong.of(epoch);
        }

        @Override
        public synchronized Optional<String> lost() {
            if (gone) {
                return Optional.of("lease epoch " + epoch + " was lost earlier in this repair");
            }
            Optional<String> why = released ? superseded() : renew();
            if (why.isPresent()) {
                gone = true;
                count(lost, "lost");
                log.warn("{}: repair stopped: {}", key, why.get());
            }
            return why;
        }

        /** Held and renewed: judged on this process's clock first (a frozen process must not trust the DB's). */
        private Optional<String> renew() {
            long now = System.nanoTime();
            long heldFor = now - confirmedAt;
            if (heldFor >= settings.repairLease().toNanos()) {
                return Optional.of("lease epoch " + epoch + " ran out: " + heldFor / 1_000_000 + " ms since it was "
                        + "last renewed, the lease lasts " + settings.repairLease().toMillis() + " ms (was this "
                        + "process paused?)");
            }
            if (outage != null) {
                return Optional.of("lease epoch " + epoch + " cannot be renewed: the job store is unreachable");
            }
            try (Connection c = pool.getConnection(); PreparedStatement p = c.prepareStatement(
                    "UPDATE VIPWATCH_VIPS SET LEASE_EXPIRES = TIMESTAMPADD(MICROSECOND, ?, NOW(3)) WHERE SCHED_NAME "
                            + "= ? AND VIP_KEY = ? AND LEASE_EPOCH = ? AND LEASE_HOLDER = ? "
                            + "AND LEASE_EXPIRES >= NOW(3)")) {
                p.setQueryTimeout(timeoutSeconds());
                p.setLong(1, leaseMicros());
                p.setString(2, settings.name());
                p.setString(3, key);
                p.setLong(4, epoch);
                p.setString(5, holder);
                if (p.executeUpdate() == 1) {
                    confirmedAt = now;
                    return Optional.empty();
                }
                return Optional.of("lease epoch " + epoch + " is no longer this instance's: it expired or another "
                        + "instance was granted a newer one");
            } catch (SQLException e) {
                down(e);
                return Optional.of("lease epoch " + epoch + " cannot be renewed: " + JdbcFleet.describe(e));
            }
        }

        /** After release: the bursts still due go out while nobody was granted a newer epoch. */
        private Optional<String> superseded() {
            if (outage != null) {
                return Optional.of("lease epoch " + epoch + " cannot be checked: the job store is unreachable");
            }
            try (Connection c = pool.getConnection(); PreparedStatement p = c.prepareStatement(
                    "SELECT LEASE_EPOCH, LEASE_HOLDER FROM VIPWATCH_VIPS WHERE SCHED_NAME = ? AND VIP_KEY = ?")) {
                p.setQueryTimeout(timeoutSeconds());
                p.setString(1, settings.name());
                p.setString(2, key);
                try (ResultSet r = p.executeQuery()) {
                    if (r.next() && r.getLong(1) == epoch) {
                        return Optional.empty();
                    }
                    return Optional.of("lease epoch " + epoch + " was superseded by a newer grant");
                }
            } catch (SQLException e) {
                down(e);
                return Optional.of("lease epoch " + epoch + " cannot be checked: " + JdbcFleet.describe(e));
            }
        }

        @Override
        public synchronized void release() {
            released = true; // the cycle's end gives it back in the job store, with the state after the repair
        }
    }
}
