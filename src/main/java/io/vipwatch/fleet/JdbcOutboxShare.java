package io.vipwatch.fleet;

import io.vipwatch.alert.Notification;
import io.vipwatch.alert.Outbox;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet's copy of the instances' alert outboxes (table {@code VIPWATCH_OUTBOX}): each pending notification, with
 * the instance that claims it until {@code OWNER_UNTIL}. An instance renews its claims every time its dispatcher
 * reads its outbox ({@link #rescanEvery()}); a claim that ran out three reads ago belongs to an instance that died
 * or is cut off, and the first instance to see it takes the notification over and sends it.
 *
 * <p>Delivery is at least once: an instance cut off from the job store (not dead) for longer than a claim still
 * sends its own notifications when it can, and the adopter sends them too; a duplicate alert is the price of
 * never losing one. Every statement is best effort: while the job store is down nothing here is tried, and the
 * instance's own outbox goes on delivering.
 */
final class JdbcOutboxShare implements Outbox.Shared {
    private static final Logger log = LoggerFactory.getLogger(JdbcOutboxShare.class);
    private static final int ADOPT_AT_ONCE = 100;

    private final JdbcDocument.Connections connections;
    private final String fleet;
    private final String owner;
    private final Duration rescan;
    private final Duration claim;
    private final int timeoutSeconds;
    private final BooleanSupplier reachable;

    /** @param owner the instance id: stable across restarts, so that a restarted instance keeps its own claims */
    JdbcOutboxShare(JdbcDocument.Connections connections, String fleet, String owner, Duration checkin,
                    int timeoutSeconds, BooleanSupplier reachable) {
        this.connections = connections;
        this.fleet = fleet;
        this.owner = owner;
        this.rescan = Duration.ofMillis(Math.max(5_000, checkin.toMillis() * 5));
        this.claim = rescan.multipliedBy(3);
        this.timeoutSeconds = timeoutSeconds;
        this.reachable = reachable;
    }

    @Override
    public Duration rescanEvery() {
        return rescan;
    }

    @Override
    public void queued(Notification n, byte[] json) {
        if (!reachable.getAsBoolean()) {
            return;
        }
        try (Connection c = connections.get()) {
            insert(c, n.id(), json);
        } catch (SQLException e) {
            log.warn("alert outbox: notification {} is not kept in the job store ({}); it stays with this instance",
                    n.id(), JdbcFleet.describe(e));
        }
    }

    private void insert(Connection c, String id, byte[] json) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT IGNORE INTO VIPWATCH_OUTBOX (SCHED_NAME, ID, OWNER, "
                + "OWNER_UNTIL, BODY) VALUES (?, ?, ?, TIMESTAMPADD(MICROSECOND, ?, NOW(3)), ?)")) {
            p.setQueryTimeout(timeoutSeconds);
            p.setString(1, fleet);
            p.setString(2, id);
            p.setString(3, owner);
            p.setLong(4, claim.toNanos() / 1000);
            p.setBytes(5, json);
            p.executeUpdate();
        }
    }

    @Override
    public void done(String id) {
        if (!reachable.getAsBoolean()) {
            return; // the row stays, claimed by this instance, and is removed by the next adopt() that sees it gone
        }
        try (Connection c = connections.get(); PreparedStatement p = c.prepareStatement(
                "DELETE FROM VIPWATCH_OUTBOX WHERE SCHED_NAME = ? AND ID = ?")) {
            p.setQueryTimeout(timeoutSeconds);
            p.setString(1, fleet);
            p.setString(2, id);
            p.executeUpdate();
        } catch (SQLException e) {
            log.warn("alert outbox: notification {} stays in the job store ({}); removed at the next read",
                    id, JdbcFleet.describe(e));
        }
    }

    @Override
    public List<byte[]> adopt(Map<String, byte[]> pendingHere) {
        if (!reachable.getAsBoolean()) {
            return List.of();
        }
        try (Connection c = connections.get()) {
            List<String> mine = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT ID FROM VIPWATCH_OUTBOX WHERE SCHED_NAME = ? "
                    + "AND OWNER = ?")) {
                p.setQueryTimeout(timeoutSeconds);
                p.setString(1, fleet);
                p.setString(2, owner);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        mine.add(r.getString(1));
                    }
                }
            }
            for (String id : mine) {
                if (!pendingHere.containsKey(id)) {
                    done(id); // sent while the job store was down
                }
            }
            for (Map.Entry<String, byte[]> e : pendingHere.entrySet()) {
                if (!mine.contains(e.getKey())) {
                    insert(c, e.getKey(), e.getValue()); // queued while the job store was down
                }
            }
            try (PreparedStatement p = c.prepareStatement("UPDATE VIPWATCH_OUTBOX SET OWNER_UNTIL = "
                    + "TIMESTAMPADD(MICROSECOND, ?, NOW(3)) WHERE SCHED_NAME = ? AND OWNER = ?")) {
                p.setQueryTimeout(timeoutSeconds);
                p.setLong(1, claim.toNanos() / 1000);
                p.setString(2, fleet);
                p.setString(3, owner);
                p.executeUpdate();
            }
            return takeOver(c);
        } catch (SQLException e) {
            log.warn("alert outbox: cannot renew this instance's claims or adopt others' notifications: {}",
                    JdbcFleet.describe(e));
            return List.of();
        }
    }

    /** The notifications whose claims ran out, each taken with a conditional update so only one instance gets it. */
    private List<byte[]> takeOver(Connection c) throws SQLException {
        record Orphan(String id, String owner, String until, byte[] body) {
        }
        List<Orphan> orphans = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT ID, OWNER, OWNER_UNTIL, BODY FROM VIPWATCH_OUTBOX "
                + "WHERE SCHED_NAME = ? AND OWNER_UNTIL < NOW(3) ORDER BY OWNER_UNTIL LIMIT " + ADOPT_AT_ONCE)) {
            p.setQueryTimeout(timeoutSeconds);
            p.setString(1, fleet);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    orphans.add(new Orphan(r.getString(1), r.getString(2), r.getString(3), r.getBytes(4)));
                }
            }
        }
        List<byte[]> adopted = new ArrayList<>();
        for (Orphan o : orphans) {
            try (PreparedStatement p = c.prepareStatement("UPDATE VIPWATCH_OUTBOX SET OWNER = ?, OWNER_UNTIL = "
                    + "TIMESTAMPADD(MICROSECOND, ?, NOW(3)) WHERE SCHED_NAME = ? AND ID = ? AND OWNER = ? "
                    + "AND OWNER_UNTIL < NOW(3)")) {
                p.setQueryTimeout(timeoutSeconds);
                p.setString(1, owner);
                p.setLong(2, claim.toNanos() / 1000);
                p.setString(3, fleet);
                p.setString(4, o.id());
                p.setString(5, o.owner());
                if (p.executeUpdate() == 1) {
                    log.warn("alert outbox: adopted notification {} of instance {}, whose claim ran out at {} (it "
                            + "died or is cut off from the job store); sending it from here", o.id(), o.owner(),
                            o.until());
                    adopted.add(o.body());
                }
            }
        }
        return adopted;
    }
}
