package io.vipwatch.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A {@link StateDocument} in a file of the state directory: writers lock a lock file next to it, read, change and
 * replace the file atomically; readers take no lock, they always see a whole file.
 */
public final class FileDocument implements StateDocument {
    private final Path dir;
    private final Path file;
    private final Path lock;
    private final Duration lockTimeout;
    private final long maxBytes;
    private final String kind;

    /**
     * @param stateDir    the config's {@code state_dir}; created by the first write
     * @param kind        what the file is, for messages: "silences file"
     * @param maxBytes    larger is not such a file, and must not exhaust the service's memory
     */
    public FileDocument(Path stateDir, String fileName, String lockName, Duration lockTimeout, long maxBytes,
                        String kind) {
        this.dir = stateDir.toAbsolutePath().normalize();
        this.file = dir.resolve(fileName);
        this.lock = dir.resolve(lockName);
        this.lockTimeout = lockTimeout;
        this.maxBytes = maxBytes;
        this.kind = kind;
    }

    public Path file() {
        return file;
    }

    @Override
    public String where() {
        return file.toString();
    }

    @Override
    public Optional<byte[]> read() throws IOException {
        try {
            return Optional.of(readExisting());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private byte[] readExisting() throws IOException {
        long size = Files.size(file);
        if (size > maxBytes) {
            throw new IOException(file + " is " + size + " bytes, more than a " + kind + " can be (" + maxBytes + ")");
        }
        return Files.readAllBytes(file);
    }

    /**
     * Without a state directory there is nothing to lock and nothing to read: a change that writes nothing (ending
     * a silence that does not exist) leaves the directory uncreated; one that writes creates it, then runs again
     * under the lock.
     */
    @Override
    @SuppressWarnings("try") // the lock is held for the block's scope, never referenced
    public <R, E extends Exception> R update(Change<R, E> change) throws IOException, E {
        if (!Files.isDirectory(dir)) {
            Rewrite<R> first = change.apply(Optional.empty());
            if (first.content().isEmpty()) {
                return first.result();
            }
            Files.createDirectories(dir);
        }
        try (StateLock held = StateLock.acquire(lock, lockTimeout)) {
            Rewrite<R> r = change.apply(read());
            if (r.content().isPresent()) {
                AtomicFile.replace(file, r.content().get());
            }
            return r.result();
        }
    }

    @Override
    public <T> Cached<T> cached(T empty, Decoder<T> decoder, String what) {
        return new WatchedFile<>(file, empty, () -> decoder.decode(readExisting()), what);
    }
}
