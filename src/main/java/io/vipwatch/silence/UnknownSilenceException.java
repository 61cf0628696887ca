package io.vipwatch.silence;

import java.nio.file.Path;
import java.util.List;

/** {@code silence expire} named an id that is not in the silences file. */
public final class UnknownSilenceException extends Exception {
    private static final long serialVersionUID = 1L;

    UnknownSilenceException(String id, List<String> activeIds, Path file) {
        super("no silence with id '" + id + "' in " + file + " (active: "
                + (activeIds.isEmpty() ? "none" : String.join(", ", activeIds)) + "; see vipwatch silence list --all)");
    }
}
