package io.vipwatch.silence;

import io.vipwatch.state.FileDocument;
import io.vipwatch.state.StateDocument;
import java.io.IOException;
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
 * The silences, kept in a {@link StateDocument} so that they survive restarts and are shared between the CLI (which
 * writes) and the running service (which reads every probe cycle): {@code <state_dir>/silences.json} for a single
 * instance, the job store for a fleet (every instance must honour a silence added on any host).
 *
 * <p>Writers change the document under its lock, so concurrent {@code silence add}s never lose each other.
 * {@link #current()} — the service's read — is cached: one {@code stat} (or one version query) while nothing
 * changed, and an unreadable document keeps the last good silences in force, because silently dropping a silence
 * would unleash repairs during planned work. {@link #list()} — the CLI's read — throws instead, and a writer refuses
 * to overwrite a document it cannot read.
 *
 * <p>Ended silences are kept {@link #KEEP_ENDED} for {@code silence list --all}, then pruned on the next write.
 */
public final class SilenceStore {
    public static final String FILE_NAME = "silences.json";
    static final String LOCK_NAME = "silences.lock";
    public static final Duration KEEP_ENDED = Duration.ofDays(7);
    static final Duration LOCK_TIMEOUT = Duration.ofSeconds(10);
    /** A silences file is small; anything larger is not one, and must not exhaust the service's memory. */
    public static final long MAX_BYTES = 4L << 20;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final StateDocument document;
    private final Clock clock;
    private final StateDocument.Cached<List<Silence>> cached;

    /** What {@link #expire} did; {@code wasAlreadyOver}: it had ended (by time or by hand) before this call. */
    public record Expired(Silence silence, boolean wasAlreadyOver) {
    }

    /** @param stateDir the config's {@code state_dir}; need not exist until the first {@link #add} */
    public SilenceStore(Path stateDir, Clock clock) {
        this(new FileDocument(stateDir, FILE_NAME, LOCK_NAME, LOCK_TIMEOUT, MAX_BYTES, "silences file"), clock);
    }

    public SilenceStore(StateDocument document, Clock clock) {
        this.document = Objects.requireNonNull(document, "document");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.cached = document.cached(List.of(), this::decode, "silence(s)");
    }

    /** Where the silences are kept: a file, or the fleet's job store. */
    public String where() {
        return document.where();
    }

    /**
     * Adds a silence beginning now and lasting {@code length}; creates the state directory if needed. Names are
     * not checked against a config here (the CLI does that); a silence for a cluster that is gone matches nothing.
     *
     * @throws IOException when the silences cannot be read, locked within {@link #LOCK_TIMEOUT} or written; nothing
     *                     was changed then
     */
    public Silence add(String cluster, Optional<String> vip, Duration length, String reason, String createdBy)
            throws IOException {
        if (length.isNegative() || length.isZero()) {
            throw new IllegalArgumentException("a silence must last some time, was " + length);
        }
        return document.update(content -> {
            Instant now = now();
            List<Silence> silences = new ArrayList<>(readForWrite(content));
            Silence added = new Silence(newId(silences), cluster, vip, now, now.plus(length), reason, createdBy,
                    Optional.empty());
            silences.add(added);
            return StateDocument.Rewrite.write(encode(silences, now), added);
        });
    }

    /**
     * Ends a silence now. One that had already ended is left as it was and reported with {@code wasAlreadyOver}.
     *
     * @throws UnknownSilenceException when no silence (active, or ended within {@link #KEEP_ENDED}) has this id
     */
    public Expired expire(String id) throws IOException, UnknownSilenceException {
        return document.update(content -> {
            Instant now = now();
            List<Silence> silences = new ArrayList<>(readForWrite(content));
            for (int i = 0; i < silences.size(); i++) {
                Silence s = silences.get(i);
                if (s.id().equals(id)) {
                    if (!s.end().isAfter(now)) {
                        return StateDocument.Rewrite.keep(new Expired(s, true));
                    }
                    Silence expired = s.expiredAt(now);
                    silences.set(i, expired);
                    return StateDocument.Rewrite.write(encode(silences, now), new Expired(expired, false));
                }
            }
            throw new UnknownSilenceException(id, silences.stream().filter(s -> s.activeAt(now))
                    .map(Silence::id).toList(), document.where());
        });
    }

    /** Every silence, active or recently ended, oldest first. None stored: none. */
    public List<Silence> list() throws IOException {
        Optional<byte[]> content = document.read();
        return content.isEmpty() ? List.of() : decode(content.get());
    }

    /**
     * The service's view: the silences, re-read only when they changed. Never throws; on a read problem it keeps
     * the last good content (see {@link #readProblem()}).
     */
    public List<Silence> current() {
        return cached.current();
    }

    /** Why the last {@link #current()} could not read the silences, while it is still the case; for the status API. */
    public Optional<String> readProblem() {
        return cached.problem();
    }

    /** Whole seconds: the file and {@code list --json} read better, and nobody silences for less than a minute. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    private List<Silence> readForWrite(Optional<byte[]> content) throws IOException {
        try {
            return content.isEmpty() ? List.of() : decode(content.get());
        } catch (IOException e) {
            throw new IOException(e.getMessage() + "; not changing it (fix or remove it)", e);
        }
    }

    private List<Silence> decode(byte[] bytes) throws IOException {
        try {
            return SilenceJson.decode(bytes);
        } catch (SilenceJson.MalformedException e) {
            throw new IOException(document.where() + " is not a valid silences file: " + e.getMessage(), e);
        }
    }

    private static byte[] encode(List<Silence> silences, Instant now) {
        Instant keepFrom = now.minus(KEEP_ENDED);
        return SilenceJson.encode(silences.stream().filter(s -> !s.end().isBefore(keepFrom)).toList());
    }

    /** 8 hex digits: short enough to type, and unique among the stored ids (checked under the lock). */
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
