package io.vipwatch.fleet;

import io.vipwatch.state.StateDocument;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link StateDocument} of a fleet, in its job store (table {@code VIPWATCH_DOCS}, one row per fleet and
 * document), so that a silence or a handover written on any host holds on every instance. A write is one
 * transaction that locks the row ({@code SELECT … FOR UPDATE}), so writers on different hosts never lose each other's
 * change; the service's cached read asks for the row's version at most every {@code refresh} and reads the content
 * only when it changed.
 */
final class JdbcDocument implements StateDocument {
    private static final Logger log = LoggerFactory.getLogger(JdbcDocument.class);

    /** Where a connection comes from: the service's pool, or one login of its own for a command. */
    @FunctionalInterface
    interface Connections {
        Connection get() throws SQLException;
    }

    private final Connections connections;
    private final String fleet;
    private final String name;
    private final String where;
    private final int timeoutSeconds;
    private final long maxBytes;
    private final Duration refresh;
    private final BooleanSupplier reachable;
    private final String writer;
    private volatile boolean tableChecked;

    /**
     * @param reachable false while the fleet knows the job store to be down: the cached read keeps the last good
     *                  content without asking
     * @param writer    who writes, for {@code UPDATED_BY}
     */
    JdbcDocument(Connections connections, String fleet, String name, String store, int timeoutSeconds,
                 long maxBytes, Duration refresh, BooleanSupplier reachable, String writer) {
        this.connections = connections;
        this.fleet = fleet;
        this.name = name;
        this.where = "the " + name + " of fleet " + fleet + " in job store " + store;
        this.timeoutSeconds = timeoutSeconds;
        this.maxBytes = maxBytes;
        this.refresh = refresh;
        this.reachable = reachable;
        this.writer = writer;
    }

    @Override
    public String where() {
        return where;
    }

    @Override
    public Optional<byte[]> read() throws IOException {
        try (Connection c = connections.get(); PreparedStatement p = c.prepareStatement(
                "SELECT BODY FROM VIPWATCH_DOCS WHERE SCHED_NAME = ? AND NAME = ?")) {
            p.setQueryTimeout(timeoutSeconds);
            p.setString(1, fleet);
            p.setString(2, name);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? body(r.getBytes(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            if (e.getErrorCode() == NO_SUCH_TABLE) {
                return Optional.empty(); // no instance of a fleet ever started, and nothing was written
            }
            throw failed("read", e);
        }
    }

    /** MySQL's and MariaDB's ER_NO_SUCH_TABLE. */
    private static final int NO_SUCH_TABLE = 1146;

    private Optional<byte[]> body(byte[] bytes) throws IOException {
        if (bytes == null) {
            return Optional.empty();
        }
        if (bytes.length > maxBytes) {
            throw new IOException(where + " is " + bytes.length + " bytes, more than it can be (" + maxBytes + ")");
        }
        return Optional.of(bytes);
    }

    @Override
    public <R, E extends Exception> R update(Change<R, E> change) throws IOException, E {
        try (Connection c = connections.get()) {
            ensureTable(c);
            c.setAutoCommit(false);
            try {
                try (PreparedStatement p = c.prepareStatement("INSERT IGNORE INTO VIPWATCH_DOCS (SCHED_NAME, NAME, "
                        + "VERSION) VALUES (?, ?, 0)")) {
                    p.setQueryTimeout(timeoutSeconds);
                    p.setString(1, fleet);
                    p.setString(2, name);
                    p.executeUpdate();
                }
                Optional<byte[]> current;
                try (PreparedStatement p = c.prepareStatement("SELECT BODY FROM VIPWATCH_DOCS WHERE SCHED_NAME = ? "
                        + "AND NAME = ? FOR UPDATE")) {
                    p.setQueryTimeout(timeoutSeconds);
                    p.setString(1, fleet);
                    p.setString(2, name);
                    try (ResultSet r = p.executeQuery()) {
                        r.next();
                        current = body(r.getBytes(1));
                    }
                }
                Rewrite<R> rewrite = change.apply(current);
                if (rewrite.content().isPresent()) {
                    try (PreparedStatement p = c.prepareStatement("UPDATE VIPWATCH_DOCS SET BODY = ?, "
                            + "VERSION = VERSION + 1, UPDATED_BY = ?, UPDATED_AT = NOW(3) WHERE SCHED_NAME = ? "
                            + "AND NAME = ?")) {
                        p.setQueryTimeout(timeoutSeconds);
                        p.setBytes(1, rewrite.content().get());
                        p.setString(2, writer);
                        p.setString(3, fleet);
                        p.setString(4, name);
                        p.executeUpdate();
                    }
                }
                c.commit();
                return rewrite.result();
            } catch (Exception e) { // SQL, I/O, or the change's own exception (E): nothing is written
                rollback(c);
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failed("change", e);
        }
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            log.debug("rollback failed (the connection is gone, and the transaction with it): {}", e.toString());
        }
    }

    /** A command may write before any instance of the fleet has started and made the tables. */
    private void ensureTable(Connection c) throws SQLException {
        if (!tableChecked) {
            try (Statement s = c.createStatement()) {
                s.setQueryTimeout(timeoutSeconds);
                s.execute(JobStoreSchema.DOCS_TABLE.replaceFirst("CREATE TABLE", "CREATE TABLE IF NOT EXISTS"));
            }
            tableChecked = true;
        }
    }

    private IOException failed(String what, SQLException e) {
        return new IOException("cannot " + what + " " + where + ": " + JdbcFleet.describe(e), e);
    }

    @Override
    public <T> Cached<T> cached(T empty, Decoder<T> decoder, String what) {
        return new CachedRow<>(empty, decoder, what);
    }

    /**
     * The service's read of the document. A cycle never waits for another cycle's refresh (it gets the content
     * already read), and never asks while the fleet knows the job store is down.
     */
    private final class CachedRow<T> implements Cached<T> {
        private final T empty;
        private final Decoder<T> decoder;
        private final String what;
        private final ReentrantLock refreshing = new ReentrantLock();
        private volatile T content;
        private volatile Optional<String> problem = Optional.empty();
        private long version = -1;
        private long checkedAt;

        CachedRow(T empty, Decoder<T> decoder, String what) {
            this.empty = empty;
            this.decoder = decoder;
            this.what = what;
            this.content = empty;
            refresh(); // in force from the first cycle on
        }

        @Override
        public T current() {
            if (refreshing.tryLock()) {
                try {
                    if (System.nanoTime() - checkedAt >= refresh.toNanos()) {
                        refresh();
                    }
                } finally {
                    refreshing.unlock();
                }
            }
            return content;
        }

        @Override
        public Optional<String> problem() {
            return problem;
        }

        private void refresh() {
            checkedAt = System.nanoTime();
            if (!reachable.getAsBoolean()) {
                keepLastGood("the job store is unreachable");
                return;
            }
            try (Connection c = connections.get(); PreparedStatement p = c.prepareStatement(
                    "SELECT VERSION FROM VIPWATCH_DOCS WHERE SCHED_NAME = ? AND NAME = ?")) {
                p.setQueryTimeout(timeoutSeconds);
                p.setString(1, fleet);
                p.setString(2, name);
                long now;
                try (ResultSet r = p.executeQuery()) {
                    now = r.next() ? r.getLong(1) : 0;
                }
                if (now != version) {
                    Optional<byte[]> bytes = read();
                    content = bytes.isEmpty() ? empty : decoder.decode(bytes.get());
                    version = now;
                }
                problem = Optional.empty();
            } catch (SQLException e) {
                keepLastGood("cannot read " + where + ": " + JdbcFleet.describe(e));
            } catch (IOException e) {
                keepLastGood(e.getMessage());
            }
        }

        private void keepLastGood(String message) {
            if (problem.isEmpty() || !problem.get().equals(message)) {
                log.error("{}; keeping the {} last read", message, what);
            }
            problem = Optional.of(message);
        }
    }
}
