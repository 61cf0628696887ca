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
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
 * Writers lock {@code handovers.lock} and replace the file atomically, like the silences; the service's read is a
 * {@link WatchedFile}. Reading is all or nothing, for the same reason as for silences.
 */
public final class Handovers {
    public static final String FILE_NAME = "handovers.json";
    static final String LOCK_NAME = "handovers.lock";
    static final int VERSION = 1;
    static final Duration LOCK_TIMEOUT = Duration.ofSeconds(5);
    /** One entry per VIP is a few hundred bytes; anything this large is not a handovers file. */
    static final long MAX_BYTES = 4L << 20;
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;
    private final Path file;
    private final Clock clock;
    private final WatchedFile<List<HandedOver>> watched;

    /** @param stateDir the config's {@code state_dir}; need not exist until the first {@link #record} */
    public Handovers(Path stateDir, Clock clock) {
        this.dir = stateDir.toAbsolutePath().normalize();
        this.file = dir.resolve(FILE_NAME);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.watched = new WatchedFile<>(file, List.of(), this::list, "handover(s)");
    }

    public Path file() {
        return file;
    }

    /**
     * Records that {@code vip} was handed to {@code host} now, replacing the VIP's previous handover.
     *
     * @throws IOException when the file cannot be read, locked or written; nothing was changed then
     */
    @SuppressWarnings("try") // the lock is held for the block's scope, never referenced
    public HandedOver record(String cluster, VipConfig vip, String host, String by) throws IOException {
        Files.createDirectories(dir);
        try (StateLock lock = StateLock.acquire(dir.resolve(LOCK_NAME), LOCK_TIMEOUT)) {
            List<HandedOver> all = new ArrayList<>(readForWrite());
            all.removeIf(h -> h.cluster().equals(cluster) && h.vip().equals(vip.name()));
            HandedOver added = new HandedOver(cluster, vip.name(), host, vip.policy().host(), clock.instant(), by);
            all.add(added);
            AtomicFile.replace(file, encode(all));
            return added;
        }
    }

    /**
     * Removes {@code handover} if it is still the VIP's last one (a newer handover stays).
     *
     * @return whether it was removed
     */
    @SuppressWarnings("try") // the lock is held for the block's scope, never referenced
    public boolean forget(HandedOver handover) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (StateLock lock = StateLock.acquire(dir.resolve(LOCK_NAME), LOCK_TIMEOUT)) {
            List<HandedOver> all = new ArrayList<>(readForWrite());
            if (!all.remove(handover)) {
                return false;
            }
            AtomicFile.replace(file, encode(all));
            return true;
        }
    }

    /** The VIP's last handover if it applies to the VIP as configured now; the service's cached read, never throws. */
    public Optional<HandedOver> applying(String cluster, VipConfig vip) {
        return watched.current().stream().filter(h -> h.appliesTo(cluster, vip)).findFirst();
    }

    /** Why the file could not be read, while that lasts (the last good content stays in force). */
    public Optional<String> readProblem() {
        return watched.problem();
    }

    /** Every handover in the file. Missing file: none. */
    public List<HandedOver> list() throws IOException {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new IOException(file + " is " + size + " bytes, more than a handovers file can be ("
                        + MAX_BYTES + ")");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        try {
            return decode(bytes);
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + " is not a valid handovers file: " + e.getMessage(), e);
        }
    }

    private List<HandedOver> readForWrite() throws IOException {
        try {
            return list();
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
