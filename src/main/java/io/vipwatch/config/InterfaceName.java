package io.vipwatch.config;

import java.util.regex.Pattern;

/**
 * A network interface name that is safe to pass to {@code ip} and {@code arping}: Linux's own limit of 15
 * characters from {@code [A-Za-z0-9_.:@-]}, and no leading dash (it would read as an option).
 */
public record InterfaceName(String value) {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_.:@][A-Za-z0-9_.:@-]{0,14}");

    public InterfaceName {
        if (value == null || !SAFE.matcher(value).matches()) {
            throw new IllegalArgumentException(describeProblem(value));
        }
    }

    public static boolean isValid(String value) {
        return value != null && SAFE.matcher(value).matches();
    }

    static String describeProblem(String value) {
        return "expected an interface name of 1-15 characters from [A-Za-z0-9_.:@-], not starting with '-', found '"
                + value + "'";
    }

    @Override
    public String toString() {
        return value;
    }
}
