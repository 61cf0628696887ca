package io.vipwatch.remote;

import io.vipwatch.config.MysqlSettings;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Asks a MySQL/MariaDB server, by address, to run {@code SELECT 1} and to tell who it is. Every call opens a fresh
 * connection on purpose: the question is what a new client connecting now would get, and a pooled connection
 * would keep talking to the old server after the VIP moved.
 *
 * <p>Servers are identified by {@code server_uuid} (MySQL) or, where that does not exist (MariaDB), by
 * {@code server_id}; {@code @@hostname} is useless for this, it is often the same on every host.
 */
public final class MysqlClient {
    private static final Driver DRIVER = loadDriver();
    private static final int ER_UNKNOWN_SYSTEM_VARIABLE = 1193;

    private final MysqlSettings settings;

    public MysqlClient(MysqlSettings settings) {
        this.settings = settings;
    }

    /**
     * What one query told us. {@code identity} is null when the query did not succeed; {@code readOnly} and
     * {@code replica} are null when the server would not say (e.g. missing privileges).
     */
    public record Answer(boolean ok, String identity, Duration latency, String error, boolean timedOut,
                         Boolean readOnly, Boolean replica) {
        public Answer(boolean ok, String identity, Duration latency, String error, boolean timedOut) {
            this(ok, identity, latency, error, timedOut, null, null);
        }

        /** Writable and not replicating: the master, as far as the VIP policy {@code writable} is concerned. */
        public Boolean master() {
            return readOnly == null || replica == null ? null : !readOnly && !replica;
        }
    }

    /**
     * Connects to {@code ip}, runs {@code SELECT 1} and reads the server's identity; with {@code role}, also
     * whether it is read-only and whether it replicates (the hosts' own addresses; through a VIP only the
     * identity matters, and every query saved counts at 200 VIPs).
     */
    public Answer ask(String ip, boolean role) {
        long start = System.nanoTime();
        Properties props = new Properties();
        props.setProperty("user", settings.user());
        props.setProperty("password", settings.password().reveal());
        props.setProperty("connectTimeout", Long.toString(settings.connectTimeout().toMillis()));
        props.setProperty("socketTimeout", Long.toString(settings.queryTimeout().toMillis()));
        props.setProperty("sslMode", settings.sslMode());
        props.setProperty("connectionAttributes", "program_name:vipwatch");
        // One query less per connection: the driver reads the server's settings once per address, not per login.
        props.setProperty("cacheServerConfiguration", "true");
        String url = "jdbc:mysql://" + ip + ":" + settings.port() + "/";
        // No Statement.setQueryTimeout: Connector/J starts a cancel-timer thread per connection for it (240 threads
        // created and dropped every cycle at 200 VIPs); socketTimeout above bounds every read just the same.
        try (Connection c = DRIVER.connect(url, props); Statement st = c.createStatement()) {
            Map<String, String> vars = identity(st, !c.getMetaData().getDatabaseProductVersion().contains("MariaDB"));
            if (!"1".equals(vars.get("one"))) {
                return failed(start, "SELECT 1 did not return 1", false);
            }
            String identity = vars.get("server_uuid") != null ? "server_uuid=" + vars.get("server_uuid")
                    : "server_id=" + vars.get("server_id");
            if (!role) {
                return new Answer(true, identity, since(start), null, false);
            }
            String ro = vars.get("read_only");
            Boolean readOnly = ro == null ? null : !("0".equals(ro) || "OFF".equalsIgnoreCase(ro));
            return new Answer(true, identity, since(start), null, false, readOnly, isReplica(st));
        } catch (SQLException e) {
            return failed(start, describe(e), isTimeout(e));
        }
    }

    /**
     * {@code SELECT 1} and the server's identity in one query (one round trip, and far cheaper for the server than
     * {@code SHOW GLOBAL VARIABLES}, which builds the whole list to filter it). MariaDB has no {@code server_uuid},
     * nor has MySQL before 5.6: the server's version string from the handshake tells MariaDB, and an "unknown
     * system variable" error the rest.
     */
    private static Map<String, String> identity(Statement st, boolean askUuid) throws SQLException {
        if (askUuid) {
            try {
                return row(st, "SELECT 1 AS one, @@server_id AS server_id, @@read_only AS read_only, "
                        + "@@server_uuid AS server_uuid");
            } catch (SQLException e) {
                if (e.getErrorCode() != ER_UNKNOWN_SYSTEM_VARIABLE) {
                    throw e;
                }
            }
        }
        return row(st, "SELECT 1 AS one, @@server_id AS server_id, @@read_only AS read_only");
    }

    /** The query's one row, by column label. */
    private static Map<String, String> row(Statement st, String query) throws SQLException {
        Map<String, String> out = new HashMap<>();
        try (ResultSet rs = st.executeQuery(query)) {
            if (rs.next()) {
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    out.put(rs.getMetaData().getColumnLabel(i), rs.getString(i));
                }
            }
        }
        return out;
    }

    /** True when the server replicates from another; null when it will not say (privileges, old version). */
    private static Boolean isReplica(Statement st) {
        // SHOW REPLICA STATUS: MySQL 8.0.22+ and MariaDB 10.5+; SHOW SLAVE STATUS for older servers.
        for (String query : new String[] {"SHOW REPLICA STATUS", "SHOW SLAVE STATUS"}) {
            try (ResultSet rs = st.executeQuery(query)) {
                return rs.next();
            } catch (SQLException e) {
                // try the older form
            }
        }
        return null;
    }

    private static boolean isTimeout(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTimeoutException || t instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** The driver's message without its multi-line "last packet" prose, plus the root cause. */
    private static String describe(SQLException e) {
        String first = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String cause = root == e ? "" : " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
        return (e.getErrorCode() != 0 ? "error " + e.getErrorCode() + ": " : "") + first + cause;
    }

    private static Answer failed(long start, String error, boolean timedOut) {
        return new Answer(false, null, since(start), error, timedOut);
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private static Driver loadDriver() {
        try {
            return new com.mysql.cj.jdbc.Driver();
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
