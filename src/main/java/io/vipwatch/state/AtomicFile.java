package io.vipwatch.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Replaces a file so that a reader — or a crash — sees either the old content or the new, never a mix: write a
 * temporary sibling, force it to disk, rename it over the target, then force the directory so the rename itself
 * survives a power cut. Readers therefore need no lock.
 *
 * <p>The new file gets the permissions of the one it replaces (or {@code rw-r--r--}): {@code createTempFile} makes
 * it private, and a file written by root through the CLI must stay readable by a service running as another user.
 */
public final class AtomicFile {
    private static final Set<PosixFilePermission> NEW_FILE = PosixFilePermissions.fromString("rw-r--r--");

    private AtomicFile() {
    }

    public static void replace(Path file, byte[] content) throws IOException {
        replace(file, content, file.toAbsolutePath().getParent());
    }

    /**
     * Like {@link #replace(Path, byte[])}, with the temporary file in {@code tmpDir} (same file system): for
     * directories whose every file is read as content, such as the alert outbox.
     */
    public static void replace(Path file, byte[] content, Path tmpDir) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(tmpDir, file.getFileName() + ".", ".tmp");
        try {
            Files.setPosixFilePermissions(tmp, Files.exists(file) ? Files.getPosixFilePermissions(file) : NEW_FILE);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + file + " atomically (" + e.getMessage() + ")", e);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        forceDirectory(dir);
    }

    /** Makes a rename durable. Linux allows fsync on a directory opened for reading; elsewhere it may not. */
    public static void forceDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
