package io.vipwatch.silence;

import io.vipwatch.state.AtomicFile;
import io.vipwatch.state.StateLock;
import io.vipwatch.state.WatchedFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The silences, kept in {@code <state_dir>/silences.json} so that they survive restarts and are shared between the
 * CLI (which writes) and the running service (which reads every probe cycle).
 *
 * <p>Writers take an exclusive lock on {@code silences.lock}, read, change and replace the file atomically, so
 * concurrent {@code silence add}s never lose each other. Readers take no lock: they always see a whole file.
 * {@link #current()} — the service's read — is a {@link WatchedFile}: one {@code stat} while nothing changed, and an
 * unreadable file keeps the last good silences in force, because silently dropping a silence would unleash
 * repairs during planned work. {@link #list()} — the CLI's read — throws instead, and a writer refuses to overwrite
 * a file it cannot read.
 *
 * <p>Ended silences are kept {@link #KEEP_ENDED} for {@code silence list --all}, then pruned on the next write.
 */
public final class SilenceStore {
    public static final String FILE_NAME = "silences.json";
    static final String LOCK_NAME = "silences.lock";
    public static final Duration KEEP_ENDED = Duration.ofDays(7);
    static final Duration LOCK_TIMEOUT = Duration.ofSeconds(10);
    /** A silences file is small; anything larger is not one, and must not exhaust the service's memory. */
    static final long MAX_BYTES = 4L << 20;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final Path file;
    private final Clock clock;
    private final WatchedFile<List<Silence>> watched;

    /** What {@link #expire} did; {@code wasAlreadyOver}: it had ended (by time or by hand) before this call. */
    public record Expired(Silence silence, boolean wasAlreadyOver) {
    }

    /** @param stateDir the config's {@code state_dir}; need not exist until the first {@link #add} */
    public SilenceStore(Path stateDir, Clock clock) {
        this.dir = stateDir.toAbsolutePath().normalize();
        this.file = dir.resolve(FILE_NAME);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.watched = new WatchedFile<>(file, List.of(), this::list, "silence(s)");
    }

    public Path file() {
        return file;
    }

    /**
     * Adds a silence beginning now and lasting {@code length}; creates the state directory if needed. Names are
     * not checked against a config here (the CLI does that); a silence for a cluster that is gone matches nothing.
     *
     * @throws IOException when the file cannot be read, locked within {@link #LOCK_TIMEOUT} or written; nothing
     *                     was changed then
     */
    @SuppressWarnings("try") // the lock is held for the block's scope, never referenced
    public Silence add(String cluster, Optional<String> vip, Duration length, String reason, String createdBy)
            throws IOException {
        if (length.isNegative() || length.isZero()) {
            throw new IllegalArgumentException("a silence must last some time, was " + length);
        }
        Files.createDirectories(dir);
        try (StateLock lock = StateLock.acquire(dir.resolve(LOCK_NAME), LOCK_TIMEOUT)) {
            Instant now = now();
            List<Silence> silences = new ArrayList<>(readForWrite());
            Silence added = new Silence(newId(silences), cluster, vip, now, now.plus(length), reason, createdBy,
                    Optional.empty());
            silences.add(added);
            write(silences, now);
            return added;
        }
    }

    /**
     * Ends a silence now. One that had already ended is left as it was and reported with {@code wasAlreadyOver}.
     *
     * @throws UnknownSilenceException when no silence (active, or ended within {@link #KEEP_ENDED}) has this id
     */
    @SuppressWarnings("try") // the lock is held for the block's scope, never referenced
    public Expired expire(String id) throws IOException, UnknownSilenceException {
        if (!Files.isDirectory(dir)) {
            throw new UnknownSilenceException(id, List.of(), file);
        }
        try (StateLock lock = StateLock.acquire(dir.resolve(LOCK_NAME), LOCK_TIMEOUT)) {
            Instant now = now();
            List<Silence> silences = new ArrayList<>(readForWrite());
            for (int i = 0; i < silences.size(); i++) {
                Silence s = silences.get(i);
                if (s.id().equals(id)) {
                    if (!s.end().isAfter(now)) {
                        return new Expired(s, true);
                    }
                    Silence expired = s.expiredAt(now);
                    silences.set(i, expired);
                    write(silences, now);
                    return new Expired(expired, false);
                }
            }
            throw new UnknownSilenceException(id, silences.stream().filter(s -> s.activeAt(now))
                    .map(Silence::id).toList(), file);
        }
    }

    /** Every silence in the file, active or recently ended, oldest first. Missing file: none. */
    public List<Silence> list() throws IOException {
        try {
            return decode(Files.readAllBytes(checkedSize()));
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    /**
     * The service's view: the file's silences, re-read only when the file changed. Never throws; on a read problem
     * it keeps the last good content (see {@link #readProblem()}).
     */
    public List<Silence> current() {
        return watched.current();
    }

    /** Why the last {@link #current()} could not read the file, while it is still the case; for the status API. */
    public Optional<String> readProblem() {
        return watched.problem();
    }

    /** Whole seconds: the file and {@code list --json} read better, and nobody silences for less than a minute. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    private List<Silence> readForWrite() throws IOException {
        try {
            return list();
        } catch (IOException e) {
            throw new IOException(e.getMessage() + "; not changing it (fix or remove it)", e);
        }
    }

    private Path checkedSize() throws IOException {
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw new IOException(file + " is " + size + " bytes, more than a silences file can be ("
                    + MAX_BYTES + ")");
        }
        return file;
    }

    private List<Silence> decode(byte[] bytes) throws IOException {
        try {
            return SilenceJson.decode(bytes);
        } catch (SilenceJson.MalformedException e) {
            throw new IOException(file + " is not a valid silences file: " + e.getMessage(), e);
        }
    }

    private void write(List<Silence> silences, Instant now) throws IOException {
        Instant keepFrom = now.minus(KEEP_ENDED);
        List<Silence> kept = silences.stream().filter(s -> !s.end().isBefore(keepFrom)).toList();
        AtomicFile.replace(file, SilenceJson.encode(kept));
    }

    /** 8 hex digits: short enough to type, and unique among the file's ids (checked under the lock). */
    private static String newId(List<Silence> existing) {
        Set<String> taken = existing.stream().map(Silence::id).collect(Collectors.toSet());
        byte[] bytes = new byte[4];
        String id;
        do {
            RANDOM.nextBytes(bytes);
            id = HexFormat.of().formatHex(bytes);
        } while (taken.contains(id));
        return id;
    }
}
