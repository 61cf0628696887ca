package io.vipwatch.silence;

import java.time.Instant;
import java.util.Objects;

/**
 * Why a VIP is silenced right now: alerts for it are held back and repairs suspended.
 *
 * @param id    the silence's id, or {@code maintenance:<cluster>[/<vip>]#<index>} for the index-th (0-based)
 *              window of the config's {@code maintenance:} list
 * @param scope {@code cluster/vip} or {@code cluster/*}
 * @param by    who set it: a login for a silence, {@code config FILE:LINE} for a maintenance window
 * @param since when it began (for overlapping maintenance occurrences: the earliest that still covers now)
 * @param until when it ends, exclusive
 */
public record ActiveSilence(Kind kind, String id, String scope, String reason, String by, Instant since,
                            Instant until) {
    public enum Kind { SILENCE, MAINTENANCE }

    public ActiveSilence {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(by, "by");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(until, "until");
    }

    /** One line for people: {@code silence 3f9c1a2b by alice until 2026-11-25T16:00:00Z: MHA online switch}. */
    public String describe() {
        return (kind == Kind.SILENCE ? "silence " : "maintenance window ") + id + " by " + by + " until " + until
                + ": " + reason;
    }

    static ActiveSilence of(Silence s) {
        return new ActiveSilence(Kind.SILENCE, s.id(), s.scope(), s.reason(), s.createdBy(), s.createdAt(), s.end());
    }
}
