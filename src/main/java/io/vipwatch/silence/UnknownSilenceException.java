package io.vipwatch.silence;

import java.util.List;

/** {@code silence expire} named an id that is not among the silences. */
public final class UnknownSilenceException extends Exception {
    private static final long serialVersionUID = 1L;

    UnknownSilenceException(String id, List<String> activeIds, String where) {
        super("no silence with id '" + id + "' in " + where + " (active: "
                + (activeIds.isEmpty() ? "none" : String.join(", ", activeIds)) + "; see vipwatch silence list --all)");
    }
}
