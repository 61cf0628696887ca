package io.vipwatch.config;

import java.util.Objects;
import java.util.Optional;

/**
 * Who should hold a VIP.
 * <ul>
 *   <li>{@link Kind#STATIC}: one named host ({@code expected_holder: db1});</li>
 *   <li>{@link Kind#WRITABLE}: the one host whose MySQL is writable ({@code read_only=OFF}) and not a replica;
 *       none or several such hosts means <em>unknown</em>, and nothing is repaired;</li>
 *   <li>{@link Kind#ANY}: exactly one holder, whichever it is, so vipwatch never fights a failover manager that
 *       moved the VIP on purpose. The default when {@code expected_holder} is not set.</li>
 * </ul>
 */
public record HolderPolicy(Kind kind, Optional<String> host) {
    public enum Kind { STATIC, WRITABLE, ANY }

    /** The words {@code expected_holder} takes besides a host name; no host may be called so. */
    public static final String WRITABLE_WORD = "writable";
    public static final String ANY_WORD = "any";

    public HolderPolicy {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(host, "host");
        if ((kind == Kind.STATIC) != host.isPresent()) {
            throw new IllegalArgumentException("a host exactly for a static policy: " + kind + ", " + host);
        }
    }

    public static HolderPolicy of(String host) {
        return new HolderPolicy(Kind.STATIC, Optional.of(host));
    }

    public static HolderPolicy writable() {
        return new HolderPolicy(Kind.WRITABLE, Optional.empty());
    }

    public static HolderPolicy any() {
        return new HolderPolicy(Kind.ANY, Optional.empty());
    }

    /** {@code static}, {@code writable} or {@code any}: the value of the {@code vip.policy} fact. */
    public String label() {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
