package io.vipwatch.fleet;

import io.vipwatch.config.Config;
import io.vipwatch.silence.SilenceStore;
import io.vipwatch.state.Handovers;
import java.time.Clock;

/**
 * Where a command ({@code vipwatch silence}, {@code mha}, {@code check}) finds the silences and handovers of a
 * config: the state directory for a single instance, the fleet's job store with {@code scheduler.store: jdbc} (the
 * service gets them from its {@link Fleet} instead, over its pool).
 */
public final class SharedDocuments {
    private SharedDocuments() {
    }

    public static SilenceStore silences(Config config, Clock clock) {
        return config.scheduler().jobStore().isPresent()
                ? new SilenceStore(JdbcFleet.commandDocument(config.scheduler(), "silences", SilenceStore.MAX_BYTES),
                        clock)
                : new SilenceStore(config.stateDir(), clock);
    }

    public static Handovers handovers(Config config, Clock clock) {
        return config.scheduler().jobStore().isPresent()
                ? new Handovers(JdbcFleet.commandDocument(config.scheduler(), "handovers", Handovers.MAX_BYTES), clock)
                : new Handovers(config.stateDir(), clock);
    }
}
