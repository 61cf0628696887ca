package io.vipwatch.repair;

import java.time.Duration;
import java.util.Objects;

/**
 * What one repair step did: one per command it ran (a step that works on two hosts, or announce's bursts, leaves
 * one record per command), or one for a step that ran no command. Also one line of the audit log.
 *
 * @param host     where the command ran: a host or observer name, {@code local}, or for steps without a command
 *                 the host they were about ({@code ""} when none)
 * @param command  the exact command line run (or, in a dry run, that would have run); {@code ""} for none
 * @param exitCode the command's exit code; -1 when none ran or it did not exit by itself
 * @param output   an excerpt of stdout and stderr, at most {@value #OUTPUT_LIMIT} characters
 * @param result   {@code ok}, {@code failed}, {@code refused}, {@code dry-run} or {@code skipped}
 * @param detail   what happened, for humans
 */
public record StepRecord(String step, String host, String command, int exitCode, String output, Duration elapsed,
                         String result, String detail) {
    public static final String OK = "ok";
    public static final String FAILED = "failed";
    public static final String REFUSED = "refused";
    public static final String DRY_RUN = "dry-run";
    public static final String SKIPPED = "skipped";
    public static final int OUTPUT_LIMIT = 500;

    public StepRecord {
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(elapsed, "elapsed");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(detail, "detail");
        output = excerpt(output);
    }

    /** Trims {@code text} to at most {@value #OUTPUT_LIMIT} characters, marking the cut. */
    static String excerpt(String text) {
        String t = text.strip();
        return t.length() <= OUTPUT_LIMIT ? t : t.substring(0, OUTPUT_LIMIT - 1) + "…";
    }
}
