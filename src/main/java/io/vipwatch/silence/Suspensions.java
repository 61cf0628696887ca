package io.vipwatch.silence;

import io.vipwatch.config.MaintenanceWindow;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether a VIP's alerts and repairs are suspended: by an operator's silence (from the {@link SilenceStore}) or by
 * a maintenance window of the config. This is the one question the service asks, per VIP and cycle.
 *
 * <p>When several apply, the one that lasts longest is reported — that is when the VIP will next be watched
 * normally; on a tie a silence wins over a window, since it carries a person's own reason.
 */
public final class Suspensions {
    private static final Comparator<ActiveSilence> LONGEST = Comparator.comparing(ActiveSilence::until)
            .thenComparing(a -> a.kind() == ActiveSilence.Kind.SILENCE);

    private final SilenceStore store;
    private final List<MaintenanceSchedule> maintenance;
    private final Clock clock;

    public Suspensions(SilenceStore store, List<MaintenanceWindow> windows, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.maintenance = MaintenanceSchedule.of(windows);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** What suspends this VIP now, by the injected clock. */
    public Optional<ActiveSilence> match(String cluster, String vip) {
        return match(cluster, vip, clock.instant());
    }

    /** What suspends this VIP at {@code now}; empty when it is watched and repaired normally. */
    public Optional<ActiveSilence> match(String cluster, String vip, Instant now) {
        List<ActiveSilence> found = new ArrayList<>();
        for (Silence s : store.current()) {
            if (s.matches(cluster, vip) && s.activeAt(now)) {
                found.add(ActiveSilence.of(s));
            }
        }
        for (MaintenanceSchedule m : maintenance) {
            if (m.covers(cluster, vip)) {
                m.activeAt(now).ifPresent(found::add);
            }
        }
        return found.stream().max(LONGEST);
    }

    /** Every silence and window in force at {@code now}, whatever it covers; for the status API. */
    public List<ActiveSilence> active(Instant now) {
        List<ActiveSilence> found = new ArrayList<>();
        store.current().stream().filter(s -> s.activeAt(now)).map(ActiveSilence::of).forEach(found::add);
        maintenance.forEach(m -> m.activeAt(now).ifPresent(found::add));
        return List.copyOf(found);
    }

    public List<MaintenanceSchedule> maintenance() {
        return maintenance;
    }

    public SilenceStore store() {
        return store;
    }
}
