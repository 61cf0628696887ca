package io.vipwatch.alert;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The name of the machine vipwatch runs on, read from the kernel rather than resolved: a DNS lookup has no
 * deadline we control, and alert delivery must not hang on one (Angus Mail would otherwise look up its own name
 * by reverse DNS for the SMTP greeting).
 */
public final class ThisHost {
    private static final String NAME = read();

    private ThisHost() {
    }

    public static String name() {
        return NAME;
    }

    private static String read() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).strip();
            return name.matches("[A-Za-z0-9.-]{1,253}") ? name : "localhost";
        } catch (IOException e) {
            return "localhost";
        }
    }
}
