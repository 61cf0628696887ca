package io.vipwatch.state;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An exclusive lock on a state file, held across read-modify-write so that the CLI and a running service (or two
 * CLIs) never lose each other's writes. Two levels, because an OS file lock is per process: a JVM-wide
 * {@link ReentrantLock} per lock file orders the threads of this process (a second {@code FileChannel.lock()} from
 * the same JVM would throw {@code OverlappingFileLockException}), then {@link FileChannel#tryLock()} orders processes.
 *
 * <p>Acquisition has a deadline: a stuck holder gives a clear error, never a hung command. The lock file itself
 * is never deleted — deleting it would let two writers lock two different files.
 */
public final class StateLock implements AutoCloseable {
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();
    private static final long MAX_POLL_MS = 100;

    private final ReentrantLock threadLock;
    private final FileChannel channel;
    private final FileLock fileLock;

    private StateLock(ReentrantLock threadLock, FileChannel channel, FileLock fileLock) {
        this.threadLock = threadLock;
        this.channel = channel;
        this.fileLock = fileLock;
    }

    public static StateLock acquire(Path lockFile, Duration timeout) throws IOException {
        Path key = lockFile.toAbsolutePath().normalize();
        ReentrantLock threadLock = IN_PROCESS.computeIfAbsent(key, k -> new ReentrantLock());
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            if (!threadLock.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw timedOut(key, timeout, "another thread of this process holds it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for lock " + key, e);
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            long pollMs = 1;
            while (true) {
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    return new StateLock(threadLock, channel, lock);
                }
                if (System.nanoTime() - deadline >= 0) {
                    throw timedOut(key, timeout, "another process holds it");
                }
                Thread.sleep(pollMs);
                pollMs = Math.min(pollMs * 2, MAX_POLL_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            release(threadLock, channel);
            throw new IOException("interrupted while waiting for lock " + key, e);
        } catch (IOException | RuntimeException e) {
            release(threadLock, channel);
            throw e;
        }
    }

    private static IOException timedOut(Path key, Duration timeout, String holder) {
        return new IOException("timed out after " + timeout.toMillis() + " ms waiting for lock " + key + " ("
                + holder + ")");
    }

    private static void release(ReentrantLock threadLock, FileChannel channel) {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // closing releases the OS lock; nothing more to do if it fails
        } finally {
            threadLock.unlock();
        }
    }

    @Override
    public void close() throws IOException {
        try {
            fileLock.release();
        } finally {
            release(threadLock, channel);
        }
    }
}
