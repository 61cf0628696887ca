package io.vipwatch.schedule;

import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;
import org.quartz.CronScheduleBuilder;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each VIP's probe cycle on its own Quartz trigger.
 *
 * <p>Design: one job per VIP, marked {@link DisallowConcurrentExecution} so a VIP's cycles never overlap; one
 * worker thread per VIP (up to a cap) so a slow host delays only its own VIPs; a short misfire threshold with
 * "next with remaining count" / "do nothing" so a cycle that overran its interval is skipped, never queued behind.
 * The in-memory {@code RAMJobStore} keeps nothing across restarts, which is what a probe schedule wants.
 */
public final class ProbeScheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProbeScheduler.class);
    private static final String VIP_KEY = "vip";
    private static final int MAX_THREADS = 256;
    private static final java.util.concurrent.atomic.AtomicInteger GENERATION = new java.util.concurrent.atomic.AtomicInteger();

    private final Scheduler scheduler;

    /** @param cycle runs one cycle of the VIP with the given key; must not throw (exceptions are logged here) */
    public ProbeScheduler(int vipCount, Consumer<String> cycle) throws SchedulerException {
        Properties p = new Properties();
        // Quartz keeps schedulers in a JVM-wide registry by name; during a reload the old and the new one coexist.
        p.setProperty("org.quartz.scheduler.instanceName", "vipwatch-" + GENERATION.incrementAndGet());
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(Math.max(1, Math.min(MAX_THREADS, vipCount))));
        p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        p.setProperty("org.quartz.jobStore.misfireThreshold", "500");
        // Every VIP ticks at the same instant (so their cycles share one host read). Quartz acquires one trigger at
        // a time by default: at 200 VIPs on a busy host the last ones fired more than the misfire threshold late
        // and were skipped. Acquire them all at once, firing at most 50 ms early.
        p.setProperty("org.quartz.scheduler.batchTriggerAcquisitionMaxCount", Integer.toString(Math.max(1, vipCount)));
        p.setProperty("org.quartz.scheduler.batchTriggerAcquisitionFireAheadTimeWindow", "50");
        scheduler = new StdSchedulerFactory(p).getScheduler();
        scheduler.setJobFactory((bundle, s) -> new CycleJob(cycle));
    }

    /** Schedules the VIP {@code key} every {@code interval}, or on {@code cron} when given. */
    public void add(String key, Duration interval, Optional<String> cron) throws SchedulerException {
        JobDetail job = JobBuilder.newJob(CycleJob.class).withIdentity(key).usingJobData(VIP_KEY, key).build();
        TriggerBuilder<Trigger> t = TriggerBuilder.newTrigger().withIdentity(key).startNow();
        Trigger trigger = cron.isPresent()
                ? t.withSchedule(CronScheduleBuilder.cronSchedule(cron.get()).withMisfireHandlingInstructionDoNothing())
                        .build()
                : t.withSchedule(SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(interval.toMillis())
                        .repeatForever().withMisfireHandlingInstructionNextWithRemainingCount()).build();
        scheduler.scheduleJob(job, trigger);
    }

    /**
     * Runs the VIP's cycle now, outside its schedule (an address event). If a cycle of it is running, this one
     * follows right after (the job never runs twice at once); callers debounce, so at most one waits.
     */
    public void triggerNow(String key) {
        try {
            scheduler.triggerJob(JobKey.jobKey(key));
        } catch (SchedulerException e) {
            log.warn("{}: cannot start a cycle now: {}", key, e.toString());
        }
    }

    public void start() throws SchedulerException {
        scheduler.start();
    }

    public boolean running() {
        try {
            return scheduler.isStarted() && !scheduler.isShutdown();
        } catch (SchedulerException e) {
            return false;
        }
    }

    /** Stops triggering and waits for the cycles (and repairs) in flight to finish. */
    @Override
    public void close() {
        try {
            scheduler.shutdown(true);
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
