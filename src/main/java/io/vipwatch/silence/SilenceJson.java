package io.vipwatch.silence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The format of {@code silences.json}:
 *
 * <pre>
 * {"version": 1, "silences": [{"id": "3f9c1a2b", "cluster": "main", "vip": "rw" or null,
 *   "created_at": "2025-06-01T12:02:05Z", "ends_at": "…", "expired_at": "…" or null,
 *   "reason": "…", "created_by": "alice"}]}
 * </pre>
 *
 * Reading is all or nothing: one bad entry makes the whole file unreadable, because dropping it would silently
 * end somebody's silence. A tree model (not data binding) keeps the file format independent of the record's shape.
 */
final class SilenceJson {
    static final int VERSION = 1;
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SilenceJson() {
    }

    static byte[] encode(List<Silence> silences) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("version", VERSION);
        ArrayNode list = root.putArray("silences");
        silences.forEach(s -> list.add(node(s)));
        try {
            return (MAPPER.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of plain nodes always serializes", e);
        }
    }

    /** One silence as JSON, also used by {@code silence list --json}. */
    static ObjectNode node(Silence s) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("id", s.id());
        n.put("cluster", s.cluster());
        n.put("vip", s.vip().orElse(null));
        n.put("created_at", s.createdAt().toString());
        n.put("ends_at", s.endsAt().toString());
        n.put("expired_at", s.expiredAt().map(Instant::toString).orElse(null));
        n.put("reason", s.reason());
        n.put("created_by", s.createdBy());
        return n;
    }

    /** Parses a whole file; throws with what is wrong and where when any part of it is not as written. */
    static List<Silence> decode(byte[] bytes) throws MalformedException {
        JsonNode root;
        try {
            root = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            // Jackson appends where an unclosed object began, with a "Source: REDACTED" note; the line is enough
            String what = e.getOriginalMessage().replaceFirst("(?s)\\s*\\(start marker at .*", "");
            throw new MalformedException("not valid JSON at line " + e.getLocation().getLineNr() + ": " + what);
        } catch (IOException e) {
            throw new MalformedException("not valid JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new MalformedException("expected a JSON object with \"version\" and \"silences\"");
        }
        if (root.path("version").asInt(-1) != VERSION) {
            throw new MalformedException("expected \"version\": " + VERSION + ", found " + root.get("version")
                    + " (written by another vipwatch version?)");
        }
        JsonNode list = root.path("silences");
        if (!list.isArray()) {
            throw new MalformedException("\"silences\" must be a list");
        }
        List<Silence> silences = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            silences.add(silence(list.get(i), "silences[" + i + "]"));
        }
        return List.copyOf(silences);
    }

    private static Silence silence(JsonNode n, String where) throws MalformedException {
        try {
            return new Silence(text(n, "id", where), text(n, "cluster", where), optionalText(n, "vip", where),
                    instant(n, "created_at", where), instant(n, "ends_at", where), text(n, "reason", where),
                    text(n, "created_by", where), optionalText(n, "expired_at", where).map(s -> parse(s)));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new MalformedException(where + ": " + e.getMessage());
        }
    }

    private static String text(JsonNode n, String key, String where) throws MalformedException {
        JsonNode v = n.get(key);
        if (v == null || !v.isTextual()) {
            throw new MalformedException(where + "." + key + ": expected a string, found " + v);
        }
        return v.asText();
    }

    private static Optional<String> optionalText(JsonNode n, String key, String where) throws MalformedException {
        JsonNode v = n.get(key);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(text(n, key, where));
    }

    private static Instant instant(JsonNode n, String key, String where) throws MalformedException {
        return parse(text(n, key, where));
    }

    private static Instant parse(String s) {
        return Instant.parse(s);
    }

    /** The file exists but is not a silences file this version can read. */
    static final class MalformedException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedException(String message) {
            super(message);
        }
    }
}
