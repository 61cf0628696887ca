package io.vipwatch.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Notices a changed config file by its modification time, checked every second. Polling rather than a
 * WatchService: editors replace files by rename, and a rename into a watched directory is easy to miss.
 */
final class ConfigWatcher implements AutoCloseable {
    private final Path file;
    private final Runnable onChange;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vipwatch-config-watch");
        t.setDaemon(true);
        return t;
    });
    private FileTime last;

    ConfigWatcher(Path file, Runnable onChange) {
        this.file = file;
        this.onChange = onChange;
        this.last = modified();
    }

    void start() {
        timer.scheduleWithFixedDelay(() -> {
            FileTime now = modified();
            if (now != null && !now.equals(last)) {
                last = now;
                onChange.run();
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    private FileTime modified() {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
