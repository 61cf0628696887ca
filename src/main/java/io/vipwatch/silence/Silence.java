package io.vipwatch.silence;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A silence an operator set with {@code vipwatch silence add}: for its time, alerts for the VIPs it covers are held
 * back and repairs of them are suspended (a planned switchover must not be "repaired").
 *
 * @param id        short and file-name safe ({@code [A-Za-z0-9_-]}, 1–64); new ones are 8 hex digits
 * @param vip       empty: every VIP of the cluster
 * @param createdAt when it began
 * @param endsAt    when it ends by itself
 * @param createdBy the login that set it (with the sudo user, when there is one)
 * @param expiredAt when {@code silence expire} ended it early; empty otherwise
 */
public record Silence(String id, String cluster, Optional<String> vip, Instant createdAt, Instant endsAt,
                      String reason, String createdBy, Optional<Instant> expiredAt) {
    static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public Silence {
        Objects.requireNonNull(id, "id");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("silence id must be 1-64 of [A-Za-z0-9_-], was '" + id + "'");
        }
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(vip, "vip");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(endsAt, "endsAt");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(createdBy, "createdBy");
        Objects.requireNonNull(expiredAt, "expiredAt");
        if (!endsAt.isAfter(createdAt)) {
            throw new IllegalArgumentException("silence " + id + " ends at " + endsAt + ", not after it begins at "
                    + createdAt);
        }
    }

    /** Whether it covers this VIP of this cluster (a silence without a VIP covers them all). */
    public boolean matches(String cluster, String vip) {
        return this.cluster.equals(cluster) && this.vip.map(v -> v.equals(vip)).orElse(true);
    }

    /** Whether it is in force at {@code t}: from {@code createdAt} (inclusive) to {@link #end()} (exclusive). */
    public boolean activeAt(Instant t) {
        return !t.isBefore(createdAt) && t.isBefore(end());
    }

    /** When it stops (or stopped) being in force: {@code endsAt}, or earlier when it was expired by hand. */
    public Instant end() {
        return expiredAt.filter(e -> e.isBefore(endsAt)).orElse(endsAt);
    }

    /** {@code cluster/vip}, or {@code cluster/*} for the whole cluster. */
    public String scope() {
        return cluster + "/" + vip.orElse("*");
    }

    /** This silence ended by hand at {@code t}. */
    Silence expiredAt(Instant t) {
        return new Silence(id, cluster, vip, createdAt, endsAt, reason, createdBy, Optional.of(t));
    }
}
