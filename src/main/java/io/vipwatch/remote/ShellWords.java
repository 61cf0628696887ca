package io.vipwatch.remote;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Joins an argv list into one command line for a remote shell. Every argument of vipwatch's commands is already
 * a parsed, whitelisted value (an address, an interface name); quoting is the second line of defence, so that even
 * an unexpected character could never start a second command.
 */
public final class ShellWords {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:@%+=,-]+");

    private ShellWords() {
    }

    public static String join(List<String> argv) {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        return argv.stream().map(ShellWords::quote).collect(Collectors.joining(" "));
    }

    static String quote(String word) {
        if (PLAIN.matcher(word).matches()) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
