package io.vipwatch.config;

/**
 * A password read from a file or an environment variable. {@link #toString()} never reveals it, so a secret that
 * ends up in a log line, an exception or a record's generated toString shows only where it came from.
 */
public final class Secret {
    private final String value;
    private final String source;

    public Secret(String value, String source) {
        this.value = value;
        this.source = source;
    }

    /** The secret itself; call only where it is handed to a driver, never to format a message. */
    public String reveal() {
        return value;
    }

    /** Where the secret came from, e.g. {@code file /etc/vipwatch/mysql.pw}; safe to print. */
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return "Secret(from " + source + ")";
    }
}
