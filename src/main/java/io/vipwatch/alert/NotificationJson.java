package io.vipwatch.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The outbox file format: one JSON object per notification with {@code id}, {@code channel}, {@code created_at}
 * (ISO-8601), {@code subject}, {@code text}, {@code html} (or null) and {@code json} (the webhook body, as a
 * string, so that every retry sends exactly the same bytes). Files in {@code failed/} add {@code failed_at} and
 * {@code reason}. Written through Jackson's tree model so the format is spelled out here, not implied by a class.
 */
final class NotificationJson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private NotificationJson() {
    }

    static ObjectNode toTree(Notification n) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("id", n.id());
        o.put("channel", n.channel());
        o.put("created_at", n.createdAt().toString());
        o.put("subject", n.subject());
        o.put("text", n.text());
        if (n.html().isPresent()) {
            o.put("html", n.html().get());
        } else {
            o.putNull("html");
        }
        o.put("json", n.json());
        return o;
    }

    /** @throws IOException when the bytes are not a complete, valid notification */
    static Notification parse(byte[] bytes) throws IOException {
        JsonNode o = MAPPER.readTree(bytes);
        if (o == null || !o.isObject()) {
            throw new IOException("not a JSON object");
        }
        try {
            JsonNode html = o.path("html");
            return new Notification(text(o, "id"), text(o, "channel"), Instant.parse(text(o, "created_at")),
                    text(o, "subject"), text(o, "text"),
                    html.isNull() || html.isMissingNode() ? Optional.empty() : Optional.of(html.asText()),
                    text(o, "json"));
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static String text(JsonNode o, String field) throws IOException {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual()) {
            throw new IOException("field '" + field + "' is missing or not a string");
        }
        return v.asText();
    }
}
