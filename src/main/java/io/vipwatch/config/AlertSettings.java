package io.vipwatch.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code alerts:} section of the main config.
 *
 * @param templates      a directory overriding the bundled templates (any file missing there falls back to the
 *                       bundled one); empty: the bundled {@code alerts/templates}
 * @param repeatInterval how often an alert still active is sent again (per channel overridable)
 * @param externalUrl    how people reach this vipwatch (links in messages, Alertmanager's generatorURL)
 */
public record AlertSettings(AlertChannels channels, Optional<Path> templates, Duration repeatInterval,
                            Optional<URI> externalUrl) {
    public static final Duration DEFAULT_REPEAT = Duration.ofHours(4);

    public AlertSettings {
        Objects.requireNonNull(channels, "channels");
        Objects.requireNonNull(templates, "templates");
        Objects.requireNonNull(repeatInterval, "repeatInterval");
        Objects.requireNonNull(externalUrl, "externalUrl");
    }
}
