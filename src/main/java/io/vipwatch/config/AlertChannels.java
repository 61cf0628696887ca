package io.vipwatch.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The validated {@code alerts/channels.yml}.
 *
 * @param source          the file, or empty when no channels are configured
 * @param channels        name → channel, in file order
 * @param defaultChannels the channels of rules that name none ({@code defaults.channels})
 * @param delivery        retry policy for the outbox
 */
public record AlertChannels(Optional<Path> source, Map<String, AlertChannel> channels, List<String> defaultChannels,
                            Delivery delivery) {
    public static final AlertChannels NONE = new AlertChannels(Optional.empty(), Map.of(), List.of(),
            Delivery.DEFAULT);

    public AlertChannels {
        channels = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(channels));
        defaultChannels = List.copyOf(defaultChannels);
    }

    /**
     * Exponential backoff with jitter between delivery attempts, from {@code initialBackoff} doubling up to
     * {@code maxBackoff}; a notification not delivered within {@code maxAge} of its creation is marked failed.
     */
    public record Delivery(Duration initialBackoff, Duration maxBackoff, Duration maxAge) {
        public static final Delivery DEFAULT = new Delivery(Duration.ofSeconds(1), Duration.ofMinutes(5),
                Duration.ofHours(24));
    }
}
