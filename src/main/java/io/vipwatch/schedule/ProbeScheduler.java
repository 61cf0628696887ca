package io.vipwatch.schedule;

import io.vipwatch.config.SchedulerSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.quartz.CronScheduleBuilder;
import org.quartz.CronTrigger;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.ObjectAlreadyExistsException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.SimpleTrigger;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.matchers.GroupMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each VIP's probe cycle on its own Quartz trigger.
 *
 * <p>Design: one job per VIP, marked {@link DisallowConcurrentExecution} so a VIP's cycles never overlap; one
 * worker thread per VIP (up to a cap) so a slow host delays only its own VIPs; a short misfire threshold with
 * "next with remaining count" / "do nothing" so a cycle that overran its interval is skipped, never queued behind.
 *
 * <p>Two stores. In memory ({@code RAMJobStore}) nothing is kept across restarts, which is what a single
 * instance's probe schedule wants. Clustered, the jobs live in the shared JDBC job store: Quartz fires each
 * trigger on one instance of the fleet, never one job on two at once, and hands the triggers of an instance that
 * stopped checking in to the others. There the jobs outlive the instances, so starting one reconciles them with its
 * config: missing jobs are added, changed schedules replaced, jobs of VIPs no longer configured deleted (all
 * instances of a fleet are meant to run the same config). The Quartz scheduler itself is made at {@link #start()}:
 * during a reload the previous one has shut down by then, and a clustered one has the fleet's name, which Quartz
 * allows once per JVM.
 */
public final class ProbeScheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProbeScheduler.class);
    private static final String VIP_KEY = "vip";
    private static final String GROUP = "vips";
    private static final int MAX_THREADS = 256;
    private static final AtomicInteger GENERATION = new AtomicInteger();

    private record Schedule(String key, Duration interval, Optional<String> cron) {
    }

    private final Properties properties;
    private final Consumer<String> cycle;
    private final boolean clustered;
    private final List<Schedule> schedules = new ArrayList<>();
    private volatile Scheduler scheduler;

    /** A schedule kept in this process. */
    public static ProbeScheduler inMemory(int vipCount, Consumer<String> cycle) {
        Properties p = common(vipCount);
        // Quartz keeps schedulers in a JVM-wide registry by name; during a reload the old and the new one coexist,
        // and a clustered service keeps one in memory next to the clustered one for its degraded mode.
        p.setProperty("org.quartz.scheduler.instanceName", "vipwatch-" + GENERATION.incrementAndGet());
        p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        // Every VIP ticks at the same instant (so their cycles share one host read). Quartz acquires one trigger at
        // a time by default: at 200 VIPs on a busy host the last ones fired more than the misfire threshold late
        // and were skipped. Acquire them all at once, firing at most 50 ms early.
        p.setProperty("org.quartz.scheduler.batchTriggerAcquisitionMaxCount", Integer.toString(Math.max(1, vipCount)));
        return new ProbeScheduler(p, cycle, false);
    }

    /** A schedule in the fleet's JDBC job store, shared with the other instances of {@code settings.name()}. */
    public static ProbeScheduler clustered(int vipCount, Consumer<String> cycle, SchedulerSettings settings,
                                           String dataSource, String jobStoreClass) {
        Properties p = common(vipCount);
        p.setProperty("org.quartz.scheduler.instanceName", settings.name());
        p.setProperty("org.quartz.scheduler.instanceId", settings.instanceId());
        p.setProperty("org.quartz.jobStore.class", jobStoreClass);
        p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.StdJDBCDelegate");
        p.setProperty("org.quartz.jobStore.dataSource", dataSource);
        p.setProperty("org.quartz.jobStore.isClustered", "true");
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", Long.toString(settings.checkinInterval()
                .toMillis()));
        p.setProperty("org.quartz.jobStore.useProperties", "true");
        p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        p.setProperty("org.quartz.jobStore.dbRetryInterval", Long.toString(settings.checkinInterval().toMillis()));
        p.setProperty("org.quartz.scheduler.dbFailureRetryInterval",
                Long.toString(settings.checkinInterval().toMillis()));
        // Acquiring every due trigger at once would give all VIPs to whichever instance woke first; a small batch
        // lets the instances take turns, so the VIPs spread over the fleet.
        p.setProperty("org.quartz.scheduler.batchTriggerAcquisitionMaxCount",
                Integer.toString(Math.max(1, Math.min(20, vipCount / 10))));
        return new ProbeScheduler(p, cycle, true);
    }

    private static Properties common(int vipCount) {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(Math.max(1, Math.min(MAX_THREADS, vipCount))));
        p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        p.setProperty("org.quartz.jobStore.misfireThreshold", "500");
        p.setProperty("org.quartz.scheduler.batchTriggerAcquisitionFireAheadTimeWindow", "50");
        return p;
    }

    private ProbeScheduler(Properties properties, Consumer<String> cycle, boolean clustered) {
        this.properties = properties;
        this.cycle = cycle;
        this.clustered = clustered;
    }

    /**
     * Schedules the VIP {@code key} every {@code interval}, or on {@code cron} when given; takes effect at {@link
     * #start()}.
     */
    public void add(String key, Duration interval, Optional<String> cron) {
        schedules.add(new Schedule(key, interval, cron));
    }

    /**
     * Runs the VIP's cycle now, outside its schedule (an address event). If a cycle of it is running, this one
     * follows right after (the job never runs twice at once); callers debounce, so at most one waits.
     */
    public void triggerNow(String key) {
        Scheduler s = scheduler;
        if (s == null) {
            return;
        }
        try {
            Optional<Schedule> periodic = schedules.stream().filter(x -> x.key().equals(key) && x.cron().isEmpty())
                    .findFirst();
            if (clustered && periodic.isPresent()) {
                // Every instance hears the same address event. A one-off trigger from each could fire on two
                // instances at once: Quartz keeps a job's triggers from overlapping only once one has fired. The
                // VIP's one periodic trigger, restarted now, fires once whoever restarts it, and waits while a
                // cycle runs.
                s.rescheduleJob(TriggerKey.triggerKey(key, GROUP), trigger(periodic.get(), true));
            } else {
                s.triggerJob(JobKey.jobKey(key, GROUP));
            }
        } catch (SchedulerException e) {
            log.warn("{}: cannot start a cycle now: {}", key, e.toString());
        }
    }

    /** Makes the scheduler, puts the jobs in place and starts firing. */
    public void start() throws SchedulerException {
        prepare().start();
    }

    private Scheduler prepare() throws SchedulerException {
        Scheduler s = new StdSchedulerFactory(properties).getScheduler();
        s.setJobFactory((bundle, sched) -> new CycleJob(cycle));
        if (clustered) {
            reconcile(s);
        } else {
            for (Schedule each : schedules) {
                s.scheduleJob(job(each), trigger(each));
            }
        }
        scheduler = s;
        return s;
    }

    private void reconcile(Scheduler s) throws SchedulerException {
        Set<String> wanted = new HashSet<>();
        List<String> added = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        for (Schedule each : schedules) {
            wanted.add(each.key());
            Trigger existing = s.getTrigger(TriggerKey.triggerKey(each.key(), GROUP));
            if (existing == null) {
                try {
                    s.scheduleJob(job(each), trigger(each));
                    added.add(each.key());
                } catch (ObjectAlreadyExistsException raced) {
                    // another instance starting at the same time added it
                }
            } else if (!sameSchedule(existing, each)) {
                s.rescheduleJob(existing.getKey(), trigger(each));
                changed.add(each.key());
            }
        }
        List<String> removed = new ArrayList<>();
        for (JobKey key : s.getJobKeys(GroupMatcher.jobGroupEquals(GROUP))) {
            if (!wanted.contains(key.getName())) {
                s.deleteJob(key);
                removed.add(key.getName());
            }
        }
        log.info("job store: {} VIP job(s) in place{}{}{}", schedules.size(),
                added.isEmpty() ? "" : ", added " + added, changed.isEmpty() ? "" : ", new schedule for " + changed,
                removed.isEmpty() ? "" : ", removed (no longer configured) " + removed);
    }

    private static boolean sameSchedule(Trigger t, Schedule s) {
        if (s.cron().isPresent()) {
            return t instanceof CronTrigger c && c.getCronExpression().equals(s.cron().get());
        }
        return t instanceof SimpleTrigger simple && simple.getRepeatInterval() == s.interval().toMillis()
                && simple.getRepeatCount() == SimpleTrigger.REPEAT_INDEFINITELY && simple.getMisfireInstruction()
                == SimpleTrigger.MISFIRE_INSTRUCTION_RESCHEDULE_NEXT_WITH_REMAINING_COUNT;
    }

    private static JobDetail job(Schedule s) {
        return JobBuilder.newJob(CycleJob.class).withIdentity(s.key(), GROUP).usingJobData(VIP_KEY, s.key())
                .storeDurably(false).build();
    }

    private static Trigger trigger(Schedule s) {
        return trigger(s, false);
    }

    /**
     * @param rightNow restarted by an event: when it has to wait for the cycle in flight for longer than the misfire
     *                 threshold, it still fires once that ends (an event's cycle is never skipped), and keeps that
     *                 misfire handling until an instance's start puts the regular schedule back
     */
    private static Trigger trigger(Schedule s, boolean rightNow) {
        TriggerBuilder<Trigger> t = TriggerBuilder.newTrigger().withIdentity(s.key(), GROUP).forJob(s.key(), GROUP)
                .startNow();
        if (s.cron().isPresent()) {
            return t.withSchedule(CronScheduleBuilder.cronSchedule(s.cron().get())
                    .withMisfireHandlingInstructionDoNothing()).build();
        }
        SimpleScheduleBuilder every = SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(s.interval()
                .toMillis()).repeatForever();
        return t.withSchedule(rightNow ? every.withMisfireHandlingInstructionNowWithExistingCount()
                : every.withMisfireHandlingInstructionNextWithRemainingCount()).build();
    }

    public boolean running() {
        Scheduler s = scheduler;
        try {
            return s != null && s.isStarted() && !s.isShutdown();
        } catch (SchedulerException e) {
            return false;
        }
    }

    /** Stops triggering and waits for the cycles (and repairs) in flight to finish. */
    @Override
    public void close() {
        Scheduler s = scheduler;
        if (s == null) {
            return;
        }
        try {
            s.shutdown(true);
        } catch (SchedulerException e) {
            log.warn("scheduler shutdown: {}", e.toString());
        }
    }

    /** The Quartz job: one cycle of one VIP. Catches everything so a failing cycle never kills its trigger. */
    @DisallowConcurrentExecution
    public static final class CycleJob implements Job {
        private final Consumer<String> cycle;

        CycleJob(Consumer<String> cycle) {
            this.cycle = cycle;
        }

        @Override
        public void execute(JobExecutionContext context) {
            String key = context.getMergedJobDataMap().getString(VIP_KEY);
            try {
                cycle.accept(key);
            } catch (RuntimeException e) {
                log.error("{}: probe cycle failed", key, e);
            }
        }
    }
}
