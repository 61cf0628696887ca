package io.vipwatch.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vipwatch.config.VipConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The last handover of each VIP, kept in {@code <state_dir>/handovers.json} so that the running service, a service
 * started later and {@code vipwatch check} all know where a failover manager put a VIP, whoever carried the
 * handover out (the service itself, or {@code vipwatch mha} when no service answered).
 *
 * <pre>
 * {"version": 1, "handovers": [{"cluster": "main", "vip": "rw", "host": "db2", "configured_holder": null,
 *   "at": "2026-12-07T09:41:02.113Z", "by": "vipwatch mha (failover)"}]}
 * </pre>
 *
 * Kept like the silences (see {@link io.vipwatch.silence.SilenceStore}): in a {@link StateDocument}, a file of the
 * state directory or the fleet's job store; writers change it under its lock, the service's read is cached, and
 * reading is all or nothing, for the same reason.
 */
public final class Handovers {
    public static final String FILE_NAME = "handovers.json";
    static final String LOCK_NAME = "handovers.lock";
    static final int VERSION = 1;
    static final Duration LOCK_TIMEOUT = Duration.ofSeconds(5);
    /** One entry per VIP is a few hundred bytes; anything this large is not a handovers file. */
    public static final long MAX_BYTES = 4L << 20;
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final StateDocument document;
    private final Clock clock;
    private final StateDocument.Cached<List<HandedOver>> cached;

    /** @param stateDir the config's {@code state_dir}; need not exist until the first {@link #record} */
    public Handovers(Path stateDir, Clock clock) {
        this(new FileDocument(stateDir, FILE_NAME, LOCK_NAME, LOCK_TIMEOUT, MAX_BYTES, "handovers file"), clock);
    }

    public Handovers(StateDocument document, Clock clock) {
        this.document = Objects.requireNonNull(document, "document");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.cached = document.cached(List.of(), this::decodeHere, "handover(s)");
    }

    /** Where the handovers are kept: a file, or the fleet's job store. */
    public String where() {
        return document.where();
    }

    /**
     * Records that {@code vip} was handed to {@code host} now, replacing the VIP's previous handover.
     *
     * @throws IOException when the handovers cannot be read, locked or written; nothing was changed then
     */
    public HandedOver record(String cluster, VipConfig vip, String host, String by) throws IOException {
        return document.update(content -> {
            List<HandedOver> all = new ArrayList<>(readForWrite(content));
            all.removeIf(h -> h.cluster().equals(cluster) && h.vip().equals(vip.name()));
            HandedOver added = new HandedOver(cluster, vip.name(), host, vip.policy().host(), clock.instant(), by);
            all.add(added);
            return StateDocument.Rewrite.write(encode(all), added);
        });
    }

    /**
     * Removes {@code handover} if it is still the VIP's last one (a newer handover stays).
     *
     * @return whether it was removed
     */
    public boolean forget(HandedOver handover) throws IOException {
        return document.update(content -> {
            List<HandedOver> all = new ArrayList<>(readForWrite(content));
            return all.remove(handover) ? StateDocument.Rewrite.write(encode(all), true)
                    : StateDocument.Rewrite.keep(false);
        });
    }

    /** The VIP's last handover if it applies to the VIP as configured now; the service's cached read, never throws. */
    public Optional<HandedOver> applying(String cluster, VipConfig vip) {
        return cached.current().stream().filter(h -> h.appliesTo(cluster, vip)).findFirst();
    }

    /** Why the handovers could not be read, while that lasts (the last good content stays in force). */
    public Optional<String> readProblem() {
        return cached.problem();
    }

    /** Every handover. None stored: none. */
    public List<HandedOver> list() throws IOException {
        Optional<byte[]> content = document.read();
        return content.isEmpty() ? List.of() : decodeHere(content.get());
    }

    private List<HandedOver> decodeHere(byte[] bytes) throws IOException {
        try {
            return decode(bytes);
        } catch (IOException | RuntimeException e) {
            throw new IOException(document.where() + " is not a valid handovers file: " + e.getMessage(), e);
        }
    }

    private List<HandedOver> readForWrite(Optional<byte[]> content) throws IOException {
        try {
            return content.isEmpty() ? List.of() : decodeHere(content.get());
        } catch (IOException e) {
            throw new IOException(e.getMessage() + "; not changing it (fix or remove it)", e);
        }
    }

    static byte[] encode(List<HandedOver> handovers) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("version", VERSION);
        ArrayNode list = root.putArray("handovers");
        for (HandedOver h : handovers) {
            ObjectNode n = list.addObject();
            n.put("cluster", h.cluster());
            n.put("vip", h.vip());
            n.put("host", h.host());
            n.put("configured_holder", h.configuredHolder().orElse(null));
            n.put("at", h.at().toString());
            n.put("by", h.by());
        }
        try {
            return (MAPPER.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of plain nodes always serializes", e);
        }
    }

    static List<HandedOver> decode(byte[] bytes) throws IOException {
        JsonNode root = MAPPER.readTree(bytes);
        if (root == null || !root.isObject() || root.path("version").asInt() != VERSION) {
            throw new IOException("expected an object with \"version\": " + VERSION);
        }
        JsonNode list = root.path("handovers");
        if (!list.isArray()) {
            throw new IOException("\"handovers\" must be a list");
        }
        List<HandedOver> out = new ArrayList<>();
        for (JsonNode n : list) {
            try {
                JsonNode configured = n.path("configured_holder");
                out.add(new HandedOver(text(n, "cluster"), text(n, "vip"), text(n, "host"),
                        configured.isTextual() ? Optional.of(configured.asText()) : Optional.empty(),
                        Instant.parse(text(n, "at")), text(n, "by")));
            } catch (DateTimeParseException e) {
                throw new IOException("entry " + out.size() + ": \"at\" is not a time: " + e.getParsedString(), e);
            }
        }
        return out;
    }

    private static String text(JsonNode n, String key) throws IOException {
        JsonNode v = n.path(key);
        if (!v.isTextual() || v.asText().isEmpty()) {
            throw new IOException("entry has no \"" + key + "\"");
        }
        return v.asText();
    }
}
