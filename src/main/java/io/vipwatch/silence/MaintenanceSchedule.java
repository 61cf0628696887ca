package io.vipwatch.silence;

import io.vipwatch.config.Durations;
import io.vipwatch.config.MaintenanceWindow;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.TimeZone;
import org.quartz.CronExpression;

/**
 * When a configured maintenance window is in force. An occurrence begins at each firing {@code f} of the cron (in
 * the window's time zone) and lasts the window's duration of elapsed time: it covers {@code [f, f + duration)}.
 * Times are instants throughout, so DST changes move the wall-clock end, not the length.
 *
 * <p>Quartz can only search forwards, so "the last firing at or before t" is found as the first firing after
 * {@code t - duration} (any firing in {@code (t - duration, t]} covers t), then the latest such firing by
 * bisection — a handful of cron evaluations even for a per-second cron and a week-long window.
 *
 * <p>The parsed {@code CronExpression} is set up once here and only read afterwards ({@code getTimeAfter} works
 * on its own {@code Calendar}), so one schedule may be used by many probe threads.
 */
public final class MaintenanceSchedule {
    private final MaintenanceWindow window;
    private final String id;
    private final CronExpression cron;

    private MaintenanceSchedule(MaintenanceWindow window, int index) {
        this.window = window;
        this.id = "maintenance:" + window.cluster() + window.vip().map(v -> "/" + v).orElse("") + "#" + index;
        try {
            this.cron = new CronExpression(window.cron());
        } catch (ParseException e) {
            throw new IllegalArgumentException("window " + id + ": " + e.getMessage(), e); // validated by the config
        }
        cron.setTimeZone(TimeZone.getTimeZone(window.timeZone()));
    }

    /** The schedules of the config's windows, in order; the index in each id is the window's position. */
    public static List<MaintenanceSchedule> of(List<MaintenanceWindow> windows) {
        List<MaintenanceSchedule> schedules = new ArrayList<>();
        for (int i = 0; i < windows.size(); i++) {
            schedules.add(new MaintenanceSchedule(windows.get(i), i));
        }
        return List.copyOf(schedules);
    }

    public MaintenanceWindow window() {
        return window;
    }

    /** {@code maintenance:<cluster>[/<vip>]#<index>}. */
    public String id() {
        return id;
    }

    public boolean covers(String cluster, String vip) {
        return window.cluster().equals(cluster) && window.vip().map(v -> v.equals(vip)).orElse(true);
    }

    /**
     * The occurrence in force at {@code t}, if any. When occurrences overlap, {@code since} is the earliest that
     * still covers t and {@code until} the end of the latest that has begun.
     */
    public Optional<ActiveSilence> activeAt(Instant t) {
        Duration d = window.duration();
        Optional<Instant> first = fireAfter(t.minus(d)).filter(f -> !f.isAfter(t));
        if (first.isEmpty()) {
            return Optional.empty();
        }
        Instant last = lastFireAtOrBefore(first.get(), t);
        return Optional.of(new ActiveSilence(ActiveSilence.Kind.MAINTENANCE, id, window.scope(), window.reason(),
                "config " + window.origin(), first.get(), last.plus(d)));
    }

    /** The first occurrence that begins after {@code t}; empty when the cron never fires again. */
    public Optional<Instant> nextStart(Instant t) {
        return fireAfter(t);
    }

    /** The latest firing in {@code [known, t]}, given that {@code known} is one. */
    private Instant lastFireAtOrBefore(Instant known, Instant t) {
        Instant lo = known; // a firing <= t
        Instant hi = t; // no firing in (hi, t]
        while (Duration.between(lo, hi).compareTo(Duration.ofSeconds(1)) > 0) {
            Instant mid = lo.plus(Duration.between(lo, hi).dividedBy(2));
            Optional<Instant> f = fireAfter(mid).filter(x -> !x.isAfter(t));
            if (f.isPresent()) {
                lo = f.get();
            } else {
                hi = mid;
            }
        }
        // cron firings are whole seconds, so at most one more can lie in (lo, hi]
        Optional<Instant> f = fireAfter(lo).filter(x -> !x.isAfter(t));
        return f.orElse(lo);
    }

    /** The first firing strictly after {@code t}. */
    private Optional<Instant> fireAfter(Instant t) {
        Date next = cron.getTimeAfter(Date.from(t));
        return Optional.ofNullable(next).map(Date::toInstant);
    }

    @Override
    public String toString() {
        return id + " (cron '" + window.cron() + "' " + window.timeZone() + ", "
                + Durations.format(window.duration()) + ")";
    }
}
