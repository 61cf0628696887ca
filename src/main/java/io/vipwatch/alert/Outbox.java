package io.vipwatch.alert;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vipwatch.state.AtomicFile;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable queue between "an alert happened" and "someone was told": a directory, one file per notification.
 *
 * <pre>
 * DIR/pending/CREATED-ID.json   waiting for delivery; CREATED = creation time in epoch ms, 15 digits, so that
 *                               names sort in creation order
 * DIR/failed/CREATED-ID.json    given up on, with failed_at and reason added; unreadable files end up here too
 * DIR/tmp/                      files being written
 * </pre>
 *
 * A file is written to {@code tmp/}, forced to disk, renamed atomically into {@code pending/} and the directory is
 * forced too: once {@link #enqueue} returns, the notification survives {@code kill -9} and power loss, and a crash
 * half-way leaves only a temporary file, removed at the next start. Files are never changed in place, which is also
 * why parsed notifications can be cached by file name.
 *
 * <p>Enqueuing an id that is still pending does nothing; once delivered, its file is gone and the id forgotten. A
 * file that cannot be read as a notification is moved to {@code failed/} with a log line instead of stopping
 * delivery. The files are changed under this outbox's lock: the alert book enqueues while dispatcher threads
 * deliver.
 *
 * <p>In a fleet a copy of each pending notification is also kept in the job store ({@link Shared}), claimed by this
 * instance while it lives: the notifications of an instance that died are adopted, queued here and sent. The local
 * directory stays the queue that delivers, so alerts go out while the job store is down (that is when they matter).
 */
public final class Outbox {
    private static final Logger log = LoggerFactory.getLogger(Outbox.class);
    private static final Pattern FILE_NAME = Pattern.compile("(\\d{15})-([A-Za-z0-9._-]{1,100})\\.json");

    /** The fleet's copy of the outbox; {@link #NOT_SHARED} for a single instance. */
    public interface Shared {
        /** A notification queued here; kept for the fleet, best effort (it stays here alone while that fails). */
        void queued(Notification n, byte[] json);

        /** Delivered or given up on here: no other instance must send it. */
        void done(String id);

        /**
         * Renews this instance's claims (copying there what is pending here and not yet kept, e.g. queued while the
         * job store was down) and takes over, as JSON, the notifications of instances whose claims ran out.
         */
        List<byte[]> adopt(Map<String, byte[]> pendingHere);

        /** How often the dispatcher reads the outbox again (and so renews the claims and adopts). */
        Duration rescanEvery();
    }

    public static final Shared NOT_SHARED = new Shared() {
        @Override
        public void queued(Notification n, byte[] json) {
        }

        @Override
        public void done(String id) {
        }

        @Override
        public List<byte[]> adopt(Map<String, byte[]> pendingHere) {
            return List.of();
        }

        @Override
        public Duration rescanEvery() {
            return Duration.ofSeconds(30);
        }
    };

    private final Path pending;
    private final Path failed;
    private final Path tmp;
    private final Clock clock;
    private final Shared shared;
    private final Map<String, Notification> parsed = new HashMap<>();
    /** Unreadable files that could not be moved aside either: reported once, not at every scan. */
    private final Set<Path> stuck = new HashSet<>();

    /** Opens (creating if needed) the outbox in {@code dir}; {@code clock} stamps {@code failed_at}. */
    public Outbox(Path dir, Clock clock) throws IOException {
        this(dir, clock, NOT_SHARED);
    }

    public Outbox(Path dir, Clock clock, Shared shared) throws IOException {
        this.shared = shared;
        this.pending = Files.createDirectories(dir.resolve("pending"));
        this.failed = Files.createDirectories(dir.resolve("failed"));
        this.tmp = Files.createDirectories(dir.resolve("tmp"));
        this.clock = clock;
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(tmp)) {
            for (Path p : leftovers) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * Writes the notification durably, unless one with its id is still pending. The fleet's copy is written after,
     * outside this outbox's lock: a slow job store must not hold up the dispatcher's threads.
     */
    public void enqueue(Notification n) throws IOException {
        if (enqueueHere(n)) {
            shared.queued(n, json(n));
        }
    }

    private static byte[] json(Notification n) throws IOException {
        return NotificationJson.MAPPER.writeValueAsBytes(NotificationJson.toTree(n));
    }

    private synchronized boolean enqueueHere(Notification n) throws IOException {
        if (pendingFiles().containsKey(n.id())) {
            return false;
        }
        String name = String.format("%015d-%s.json", n.createdAt().toEpochMilli(), n.id());
        writeDurably(pending, name, NotificationJson.toTree(n));
        return true;
    }

    public Duration rescanEvery() {
        return shared.rescanEvery();
    }

    /**
     * Everything not yet delivered nor failed, oldest first; in a fleet, with what this instance adopted (the job
     * store is asked outside this outbox's lock).
     */
    public List<Notification> pending() throws IOException {
        if (shared == NOT_SHARED) {
            return pendingHere();
        }
        Map<String, byte[]> here = new LinkedHashMap<>();
        for (Notification n : pendingHere()) {
            here.put(n.id(), json(n));
        }
        for (byte[] json : shared.adopt(here)) {
            try {
                enqueueHere(NotificationJson.parse(json));
            } catch (IOException e) {
                log.error("alert outbox: an adopted notification is not readable ({}); dropped", e.getMessage());
            }
        }
        return pendingHere();
    }

    private synchronized List<Notification> pendingHere() throws IOException {
        List<Notification> result = new ArrayList<>();
        Set<String> present = new HashSet<>();
        for (Path file : pendingFiles().values().stream().sorted().toList()) {
            String name = file.getFileName().toString();
            present.add(name);
            Notification n = parsed.get(name);
            if (n == null) {
                try {
                    n = NotificationJson.parse(Files.readAllBytes(file));
                    if (!name.equals(String.format("%015d-%s.json", n.createdAt().toEpochMilli(), n.id()))) {
                        throw new IOException("id or created_at do not match the file name");
                    }
                    parsed.put(name, n);
                } catch (NoSuchFileException e) {
                    continue;
                } catch (IOException e) {
                    moveAside(file, e.getMessage());
                    continue;
                }
            }
            result.add(n);
        }
        parsed.keySet().retainAll(present);
        return result;
    }

    /** Deletes a delivered notification; an id that is not pending is ignored. */
    public void delivered(String id) throws IOException {
        synchronized (this) {
            Path file = pendingFiles().get(id);
            if (file != null) {
                Files.deleteIfExists(file);
                AtomicFile.forceDirectory(pending);
            }
        }
        shared.done(id);
    }

    /** Moves a pending notification to {@code failed/}, recording why and when; an id not pending is ignored. */
    public void failed(String id, String reason) throws IOException {
        if (failedHere(id, reason)) {
            shared.done(id);
        }
    }

    /** Whether {@code id} was pending here, and is no longer. */
    private synchronized boolean failedHere(String id, String reason) throws IOException {
        Path file = pendingFiles().get(id);
        if (file == null) {
            return false;
        }
        ObjectNode tree;
        try {
            tree = NotificationJson.toTree(NotificationJson.parse(Files.readAllBytes(file)));
        } catch (IOException e) {
            moveAside(file, e.getMessage());
            return true;
        }
        tree.put("failed_at", clock.instant().toString());
        tree.put("reason", reason);
        writeDurably(failed, file.getFileName().toString(), tree);
        Files.delete(file);
        AtomicFile.forceDirectory(pending);
        return true;
    }

    /** id → file of every well-named file in pending/; anything else there is moved aside. */
    private Map<String, Path> pendingFiles() throws IOException {
        Map<String, Path> files = new HashMap<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(pending)) {
            for (Path p : dir) {
                Matcher m = FILE_NAME.matcher(p.getFileName().toString());
                if (m.matches()) {
                    files.merge(m.group(2), p, (a, b) -> a.compareTo(b) <= 0 ? a : b); // the older one
                } else if (Files.isRegularFile(p)) {
                    moveAside(p, "not an outbox file name");
                }
            }
        }
        return files;
    }

    private void writeDurably(Path dir, String name, ObjectNode tree) throws IOException {
        // the temporary file lives in tmp/, never in a directory whose every file is read as a notification
        AtomicFile.replace(dir.resolve(name), NotificationJson.MAPPER.writeValueAsBytes(tree), tmp);
    }

    /** A file that is not a notification must not stop the others: keep it for a human, out of the way. */
    private void moveAside(Path file, String problem) {
        Path target = failed.resolve(file.getFileName() + ".corrupt");
        try {
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            AtomicFile.forceDirectory(failed);
            AtomicFile.forceDirectory(pending);
            log.error("alert outbox: {} is not a readable notification ({}); moved to {}", file, problem, target);
        } catch (IOException e) {
            if (stuck.add(file)) {
                log.error("alert outbox: {} is not a readable notification ({}) and cannot be moved aside: {}",
                        file, problem, e.toString());
            }
        }
    }
}
