package io.vipwatch.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One problem found while loading a config or rule file, located precisely enough to fix it without guessing.
 * Rendered as {@code FILE:LINE: key.path: message}.
 *
 * @param file the file that holds the bad value
 * @param line 1-based line of the value (or of its key when the value is missing); 0 when unknown
 * @param key  dotted key path, e.g. {@code clusters[0].hosts[1].interface}; empty for file-level problems
 */
public record ConfigError(Path file, int line, String key, String message) {
    public ConfigError {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        String where = line > 0 ? file + ":" + line : file.toString();
        return key.isEmpty() ? where + ": " + message : where + ": " + key + ": " + message;
    }
}
