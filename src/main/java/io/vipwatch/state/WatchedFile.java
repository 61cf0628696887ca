package io.vipwatch.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's view of a state file that the CLI writes (with {@link AtomicFile}) while the service runs: decoded
 * again only when the file's identity, size or modification time changed, so asking every probe cycle costs one
 * {@code stat}. {@link #current()} never throws: an unreadable or corrupt file is logged once and the last good
 * content stays in force, because silently dropping state (a silence, a handover) would let the service act
 * against a decision somebody made. A missing file is the empty content.
 *
 * @param <T> the decoded content
 */
public final class WatchedFile<T> implements StateDocument.Cached<T> {
    private static final Logger log = LoggerFactory.getLogger(WatchedFile.class);

    /** Reads the whole file; throws with a message that names the file. */
    @FunctionalInterface
    public interface Reader<T> {
        T read() throws IOException;
    }

    private final Path file;
    private final T empty;
    private final Reader<T> reader;
    private final String what;
    // guarded by this
    private FileVersion version;
    private T content;
    private Optional<String> problem = Optional.empty();

    /** @param what what the content is, plural, for the log: "silence(s)" */
    public WatchedFile(Path file, T empty, Reader<T> reader, String what) {
        this.file = Objects.requireNonNull(file, "file");
        this.empty = Objects.requireNonNull(empty, "empty");
        this.reader = Objects.requireNonNull(reader, "reader");
        this.what = Objects.requireNonNull(what, "what");
        this.content = empty;
    }

    @Override
    public synchronized T current() {
        FileVersion now;
        try {
            now = FileVersion.of(file);
        } catch (NoSuchFileException e) {
            version = null;
            content = empty;
            problem = Optional.empty();
            return content;
        } catch (IOException e) {
            return keepLastGood(null, "cannot read " + file + ": " + e);
        }
        if (now.equals(version)) {
            return content;
        }
        try {
            content = reader.read();
            version = now;
            problem = Optional.empty();
        } catch (NoSuchFileException e) {
            version = null;
            content = empty;
            problem = Optional.empty();
        } catch (IOException e) {
            return keepLastGood(now, e.getMessage());
        }
        return content;
    }

    /** Why the last {@link #current()} could not read the file, while it is still the case; for the status API. */
    @Override
    public synchronized Optional<String> problem() {
        return problem;
    }

    private T keepLastGood(FileVersion bad, String message) {
        if (problem.isEmpty() || !problem.get().equals(message)) {
            log.error("{}; keeping the {} last read", message, what);
        }
        problem = Optional.of(message);
        if (bad != null) {
            version = bad; // do not re-read the same bad file every cycle; a new write changes the version
        }
        return content;
    }

    /** Identifies one version of the file: atomic replacement gives every write a new inode. */
    private record FileVersion(Object fileKey, long size, FileTime modified) {
        static FileVersion of(Path file) throws IOException {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new FileVersion(a.fileKey(), a.size(), a.lastModifiedTime());
        }
    }
}
