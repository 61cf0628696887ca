package io.vipwatch.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Reads what config keys name — a file, a secret in a file, a secret in an environment variable — reporting every
 * problem to the mapping with the key's line. A message says where a secret was looked for, never what it is.
 */
final class Secrets {
    private Secrets() {
    }

    /** The required key's path, resolved against {@code dir}, if it names a readable regular file. */
    static Optional<Path> readableFile(YamlMap m, String key, Path dir) {
        String text = m.requiredString(key);
        if (text.isBlank()) {
            return Optional.empty();
        }
        Path p = dir.resolve(text).normalize();
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            m.error(key, Files.exists(p) ? "not a readable file: " + p : "no such file: " + p);
            return Optional.empty();
        }
        return Optional.of(p);
    }

    /** The content of the file the key names, without its trailing line break. */
    static Optional<Secret> fromFile(YamlMap m, String key, Path dir, boolean emptyAllowed) {
        Optional<Path> path = readableFile(m, key, dir);
        if (path.isEmpty()) {
            return Optional.empty();
        }
        try {
            String value = Files.readString(path.get(), StandardCharsets.UTF_8).replaceFirst("\\R\\z", "");
            if (value.isEmpty() && !emptyAllowed) {
                m.error(key, "file is empty: " + path.get());
                return Optional.empty();
            }
            return Optional.of(new Secret(value, "file " + path.get()));
        } catch (IOException e) {
            m.error(key, "cannot read " + path.get() + ": " + e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    /** The value of the environment variable the key names. */
    static Optional<Secret> fromEnv(YamlMap m, String key, Map<String, String> environment, boolean emptyAllowed) {
        String variable = m.requiredString(key);
        if (variable.isBlank()) {
            return Optional.empty();
        }
        String value = environment.get(variable);
        if (value == null || (value.isEmpty() && !emptyAllowed)) {
            m.error(key, "environment variable '" + variable + "' is " + (value == null ? "not set" : "empty"));
            return Optional.empty();
        }
        return Optional.of(new Secret(value, "environment variable " + variable));
    }
}
