package io.vipwatch.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates what the job store needs and is missing: Quartz's tables and indexes, from the MySQL/InnoDB script that
 * ships in the Quartz jar (so they always match the Quartz in use), and vipwatch's own table. Idempotent: an
 * existing table or index is left as it is, never dropped; the script's {@code DROP TABLE} lines are skipped.
 * "Upgrade" thus means: what a newer Quartz adds, is added. Instances starting together take turns under a
 * named lock.
 */
final class JobStoreSchema {
    private static final Logger log = LoggerFactory.getLogger(JobStoreSchema.class);
    static final String QUARTZ_SCRIPT = "org/quartz/impl/jdbcjobstore/tables_mysql_innodb.sql";
    private static final Pattern TABLE = Pattern.compile("(?is)CREATE\\s+TABLE\\s+([A-Z_]+)\\s*\\(.*");
    private static final Pattern INDEX = Pattern.compile("(?is)CREATE\\s+INDEX\\s+([A-Z_]+)\\s+ON\\s+([A-Z_]+)\\s*\\(.*");
    private static final String LOCK = "vipwatch-job-store-schema";

    /** vipwatch's table: per VIP, the state its cycles share and its repair lease. */
    static final String VIPS_TABLE = """
            CREATE TABLE VIPWATCH_VIPS (
              SCHED_NAME VARCHAR(120) NOT NULL,
              VIP_KEY VARCHAR(190) NOT NULL,
              VERSION BIGINT NOT NULL DEFAULT 0,
              UPDATED_BY VARCHAR(200) NULL,
              UPDATED_AT DATETIME(3) NULL,
              STATE MEDIUMTEXT NULL,
              LEASE_HOLDER VARCHAR(200) NULL,
              LEASE_EPOCH BIGINT NOT NULL DEFAULT 0,
              LEASE_EXPIRES DATETIME(3) NULL,
              PRIMARY KEY (SCHED_NAME, VIP_KEY))
            ENGINE=InnoDB""";

    /** vipwatch's table: per fleet, the documents its instances share (silences, handovers); see JdbcDocument. */
    static final String DOCS_TABLE = """
            CREATE TABLE VIPWATCH_DOCS (
              SCHED_NAME VARCHAR(120) NOT NULL,
              NAME VARCHAR(40) NOT NULL,
              VERSION BIGINT NOT NULL DEFAULT 0,
              UPDATED_BY VARCHAR(200) NULL,
              UPDATED_AT DATETIME(3) NULL,
              BODY MEDIUMBLOB NULL,
              PRIMARY KEY (SCHED_NAME, NAME))
            ENGINE=InnoDB""";

    /** vipwatch's table: the instances' pending notifications, each claimed by one (see JdbcOutboxShare). */
    static final String OUTBOX_TABLE = """
            CREATE TABLE VIPWATCH_OUTBOX (
              SCHED_NAME VARCHAR(120) NOT NULL,
              ID VARCHAR(120) NOT NULL,
              OWNER VARCHAR(200) NOT NULL,
              OWNER_UNTIL DATETIME(3) NOT NULL,
              BODY MEDIUMBLOB NOT NULL,
              PRIMARY KEY (SCHED_NAME, ID),
              KEY VIPWATCH_OUTBOX_OWNER (SCHED_NAME, OWNER))
            ENGINE=InnoDB""";

    private JobStoreSchema() {
    }

    /** What was created, e.g. {@code ["table QRTZ_TRIGGERS", "index IDX_QRTZ_T_J"]}; empty when all was there. */
    static List<String> ensure(Connection c, long lockWaitSeconds) throws SQLException, IOException {
        List<String> statements = new ArrayList<>(quartzStatements());
        statements.add(VIPS_TABLE);
        statements.add(DOCS_TABLE);
        statements.add(OUTBOX_TABLE);
        List<String> created = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT GET_LOCK('" + LOCK + "', " + lockWaitSeconds + ")")) {
                if (!r.next() || r.getInt(1) != 1) {
                    throw new SQLException("another vipwatch instance held the schema lock for " + lockWaitSeconds
                            + " s (it creates the job store's tables); try again");
                }
            }
            try {
                for (String sql : statements) {
                    Matcher table = TABLE.matcher(sql);
                    Matcher index = INDEX.matcher(sql);
                    if (table.matches() && !tableExists(c, table.group(1))) {
                        s.execute(sql);
                        created.add("table " + table.group(1));
                    } else if (index.matches() && !indexExists(c, index.group(2), index.group(1))) {
                        s.execute(sql);
                        created.add("index " + index.group(1));
                    }
                }
            } finally {
                s.execute("DO RELEASE_LOCK('" + LOCK + "')");
            }
        }
        if (!created.isEmpty()) {
            log.info("job store: created {}", created);
        }
        return created;
    }

    /** The CREATE statements of Quartz's script, in order, without comments. */
    static List<String> quartzStatements() throws IOException {
        String script;
        try (InputStream in = JobStoreSchema.class.getClassLoader().getResourceAsStream(QUARTZ_SCRIPT)) {
            if (in == null) {
                throw new IOException(QUARTZ_SCRIPT + " is not in the Quartz jar on the class path");
            }
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        StringBuilder body = new StringBuilder();
        script.lines().filter(l -> !l.startsWith("#") && !l.startsWith("--")).forEach(l -> body.append(l).append('\n'));
        List<String> out = new ArrayList<>();
        for (String part : body.toString().split(";")) {
            String sql = part.strip();
            if (sql.toUpperCase(Locale.ROOT).startsWith("CREATE ")) {
                out.add(sql);
            }
        }
        return out;
    }

    private static boolean tableExists(Connection c, String table) throws SQLException {
        return exists(c, "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
                table);
    }

    private static boolean indexExists(Connection c, String table, String index) throws SQLException {
        return exists(c, "SELECT 1 FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() "
                + "AND TABLE_NAME = ? AND INDEX_NAME = ?", table, index);
    }

    private static boolean exists(Connection c, String sql, String... args) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                p.setString(i + 1, args[i]);
            }
            try (ResultSet r = p.executeQuery()) {
                return r.next();
            }
        }
    }
}
