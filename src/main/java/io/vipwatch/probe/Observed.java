package io.vipwatch.probe;

import io.vipwatch.remote.CommandResult;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The result of one probe: a value when it answered, otherwise why not. {@link Status#TIMEOUT} and
 * {@link Status#ERROR} mean <em>unknown</em> — "SSH timed out" says nothing about whether the VIP is there — and
 * rules treat them so; they are never read as "absent". {@link Status#PENDING} is unknown too: the probe is still
 * running and the facts are an early snapshot (the service decides what it can before the slow probes answer).
 */
public record Observed<T>(Status status, T value, String detail, Duration elapsed) {
    public enum Status { OK, TIMEOUT, ERROR, PENDING }

    public Observed {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(elapsed, "elapsed");
        if ((status == Status.OK) != (value != null)) {
            throw new IllegalArgumentException("a value exactly when status is OK: " + status + ", " + value);
        }
    }

    public static <T> Observed<T> ok(T value, Duration elapsed) {
        return new Observed<>(Status.OK, value, "", elapsed);
    }

    public static <T> Observed<T> timeout(String detail, Duration elapsed) {
        return new Observed<>(Status.TIMEOUT, null, detail, elapsed);
    }

    public static <T> Observed<T> error(String detail, Duration elapsed) {
        return new Observed<>(Status.ERROR, null, detail, elapsed);
    }

    /** Not answered yet: the facts were taken while this probe was still running. */
    /** What a command that did not exit 0 tells: TIMEOUT when it ran out of time, else ERROR, with why. */
    public static <T> Observed<T> unknown(CommandResult r) {
        // A failed connection says all in its detail; a command that ran and failed needs the command line too.
        String detail = r.outcome() == CommandResult.Outcome.ERROR && !r.detail().isEmpty() ? r.detail() : r.summary();
        return r.outcome() == CommandResult.Outcome.TIMEOUT ? timeout(detail, r.elapsed()) : error(detail, r.elapsed());
    }

    public static <T> Observed<T> pending(Duration elapsed) {
        return new Observed<>(Status.PENDING, null, "not answered yet", elapsed);
    }

    public boolean known() {
        return status == Status.OK;
    }

    public Optional<T> get() {
        return Optional.ofNullable(value);
    }

    public <R> Observed<R> map(Function<T, R> f) {
        return known() ? ok(f.apply(value), elapsed) : new Observed<>(status, null, detail, elapsed);
    }
}
