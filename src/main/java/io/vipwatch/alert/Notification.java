package io.vipwatch.alert;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One message for one channel, rendered once when it is created and written to the outbox before any attempt to
 * send it; every retry sends exactly these bytes.
 *
 * @param id        stable across retries and restarts: receivers de-duplicate on it (at-least-once delivery)
 * @param channel   the channel's name in {@code channels.yml}
 * @param subject   e-mail subject (also a one-line summary for logs)
 * @param text      plain-text body (e-mail)
 * @param html      HTML body (e-mail), if the channel wants one
 * @param json      the HTTP body of a webhook: vipwatch's generic document or Alertmanager's list of alerts
 */
public record Notification(String id, String channel, Instant createdAt, String subject, String text,
                           Optional<String> html, String json) {
    public Notification {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(html, "html");
        Objects.requireNonNull(json, "json");
        if (!id.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new IllegalArgumentException("notification id must be a file-name-safe token: " + id);
        }
    }
}
