package io.vipwatch.remote;

import java.time.Duration;
import java.util.Objects;

/**
 * What running one command told us. A command that could not be started, or whose connection failed, is an
 * {@link Outcome#ERROR}; one that ran past its deadline is a {@link Outcome#TIMEOUT} and keeps whatever output it
 * printed until then. Neither is an exception: to a probe they are facts ("unknown"), not bugs.
 *
 * @param where   host name, or {@code local}
 * @param command the command as run (argv joined with shell quoting), for logs and the audit trail
 * @param exitCode the process's exit code; -1 when it did not exit by itself
 * @param detail  for ERROR and TIMEOUT: what went wrong, with the limit that was hit
 */
public record CommandResult(String where, String command, Outcome outcome, int exitCode, String stdout,
                           String stderr, Duration elapsed, String detail) {
    public enum Outcome { COMPLETED, TIMEOUT, ERROR }

    public CommandResult {
        Objects.requireNonNull(where, "where");
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
        Objects.requireNonNull(elapsed, "elapsed");
        Objects.requireNonNull(detail, "detail");
    }

    static CommandResult error(String where, String command, Duration elapsed, String detail) {
        return new CommandResult(where, command, Outcome.ERROR, -1, "", "", elapsed, detail);
    }

    /** True when the command ran to its end and exited 0. */
    public boolean succeeded() {
        return outcome == Outcome.COMPLETED && exitCode == 0;
    }

    /** One line for logs: where, command, outcome, exit code, elapsed, and the first line of stderr or detail. */
    public String summary() {
        String why = !detail.isEmpty() ? detail : stderr.lines().findFirst().orElse("");
        return where + ": `" + command + "` " + outcome.name().toLowerCase() + " exit=" + exitCode
                + " in " + elapsed.toMillis() + "ms" + (why.isEmpty() ? "" : " (" + why + ")");
    }
}
