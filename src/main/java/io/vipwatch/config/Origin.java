package io.vipwatch.config;

import java.nio.file.Path;

/** Where something was defined: a file and a 1-based line. Prints as {@code FILE:LINE}. */
public record Origin(Path file, int line) {
    @Override
    public String toString() {
        return file + ":" + line;
    }
}
