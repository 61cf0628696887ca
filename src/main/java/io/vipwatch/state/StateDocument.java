package io.vipwatch.state;

import java.io.IOException;
import java.util.Optional;

/**
 * One small document of state that planned work writes and every cycle consults: the silences, the handovers. The
 * commands change it with a locked read-modify-write, so that concurrent writers never lose each other's change; the
 * service reads it through a {@link Cached} view, which never throws and keeps the last good content when a read
 * fails (dropping a silence on a read error would unleash repairs during planned work).
 *
 * <p>A single instance keeps it in a file of its state directory ({@link FileDocument}). A fleet keeps it in its job
 * store ({@code fleet.JdbcDocument}): a silence added on any host must hold on every instance, or another one
 * would "repair" a planned switch back.
 */
public interface StateDocument {
    /** Where it is kept, for messages: a path, or the job store and the document's name. */
    String where();

    /** The content as stored; empty when there is none yet. Throws with a message that says where. */
    Optional<byte[]> read() throws IOException;

    /**
     * Reads and rewrites under an exclusive lock. {@code change} gets the content (empty: none yet) and says what
     * to write, if anything; its result is returned. Nothing is written when it throws.
     */
    <R, E extends Exception> R update(Change<R, E> change) throws IOException, E;

    /**
     * The service's view: the decoded content, read again only when it changed (a file: its inode, size and time;
     * the job store: the document's version, looked at every {@code refresh}).
     *
     * @param what what the content is, plural, for the log: "silence(s)"
     */
    <T> Cached<T> cached(T empty, Decoder<T> decoder, String what);

    /** One read-modify-write. */
    @FunctionalInterface
    interface Change<R, E extends Exception> {
        Rewrite<R> apply(Optional<byte[]> current) throws IOException, E;
    }

    /** What a {@link Change} writes (nothing when empty) and what it returns. */
    record Rewrite<R>(Optional<byte[]> content, R result) {
        public static <R> Rewrite<R> write(byte[] content, R result) {
            return new Rewrite<>(Optional.of(content), result);
        }

        public static <R> Rewrite<R> keep(R result) {
            return new Rewrite<>(Optional.empty(), result);
        }
    }

    /** Decodes the whole content; throws with a message that says what is wrong with it. */
    @FunctionalInterface
    interface Decoder<T> {
        T decode(byte[] content) throws IOException;
    }

    /** A cached, never failing read; see {@link #cached}. */
    interface Cached<T> {
        T current();

        /** Why the last read failed, while it still does; the last good content stays in force meanwhile. */
        Optional<String> problem();
    }
}
