package io.vipwatch.fleet;

import org.quartz.impl.jdbcjobstore.JobStoreTX;
import org.quartz.impl.jdbcjobstore.SchedulerStateRecord;

/**
 * Quartz's JDBC job store with a failure detection that scales with the check-in interval. Quartz takes an
 * instance for dead once it missed its check-in by a fixed 7.5 s; with a 2 s check-in that would hold a dead
 * instance's VIPs for ~10 s. Here the grace is half the check-in interval (at least 500 ms).
 *
 * <p>Why a shorter grace is safe: an instance wrongly taken for dead (a long GC pause, clocks apart by more than
 * the grace) only has its VIPs' cycles run elsewhere too for a while. No repair follows from that twice: a repair
 * needs the VIP's lease, granted only to a cycle that saw the VIP's latest shared state, and fenced by its epoch.
 * Instances compare their clocks here, so keep them NTP-synchronised well within the grace.
 */
public class FastFailoverJobStore extends JobStoreTX {
    @Override
    protected long calcFailedIfAfter(SchedulerStateRecord rec) {
        long interval = rec.getCheckinInterval();
        long grace = Math.max(500L, interval / 2);
        // lastCheckin: this instance's own last check-in; a late one of ours must not make the others look dead
        return rec.getCheckinTimestamp() + Math.max(interval, System.currentTimeMillis() - lastCheckin) + grace;
    }
}
