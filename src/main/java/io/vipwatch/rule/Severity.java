package io.vipwatch.rule;

/** How urgent a problem is; ordered from most to least urgent. */
public enum Severity {
    CRITICAL, WARNING, INFO;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
