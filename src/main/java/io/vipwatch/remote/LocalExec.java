package io.vipwatch.remote;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a command on the watchdog host itself (ping, arping, ip) with a hard deadline. Arguments are handed to the
 * process as an argv list; no shell is involved, so no value can be interpreted as shell syntax.
 *
 * <p>Written on {@link ProcessBuilder} rather than Commons Exec, which starts three threads per process (two stream
 * pumpers and a watchdog): at 200 VIPs the service runs about 40 short processes a second, and those threads cost
 * more than the work. Here the calling thread reads the output (stdout, then stderr: these commands print a few
 * lines, far below a pipe's buffer), and one shared timer kills a process that outlives its deadline.
 */
public final class LocalExec {
    public static final String WHERE = "local";
    private static final ScheduledExecutorService DEADLINES = deadlines();
    private static final java.io.File DEV_NULL = new java.io.File("/dev/null");

    private static ScheduledExecutorService deadlines() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "vipwatch-exec-deadline");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    /** Runs {@code argv}; never throws for command failures, returns them as the result's outcome. */
    public CommandResult run(List<String> argv, Duration timeout) {
        String shown = ShellWords.join(argv);
        long start = System.nanoTime();
        Process process;
        try {
            process = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(DEV_NULL)).start();
        } catch (IOException e) {
            return CommandResult.error(WHERE, shown, since(start), "cannot run: " + e.getMessage());
        }
        AtomicBoolean killed = new AtomicBoolean();
        ScheduledFuture<?> deadline = DEADLINES.schedule(() -> {
            killed.set(true);
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }, Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
        BoundedOutput out = new BoundedOutput(BoundedOutput.DEFAULT_LIMIT);
        BoundedOutput err = new BoundedOutput(BoundedOutput.DEFAULT_LIMIT);
        try {
            copy(process.getInputStream(), out);
            copy(process.getErrorStream(), err);
            int exit = process.waitFor();
            if (killed.get()) {
                return timedOut(shown, timeout, out, err, start);
            }
            return new CommandResult(WHERE, shown, CommandResult.Outcome.COMPLETED, exit, out.text(), err.text(),
                    since(start), "");
        } catch (IOException e) {
            process.destroyForcibly();
            if (killed.get()) {
                return timedOut(shown, timeout, out, err, start); // destroying a process closes its streams
            }
            return CommandResult.error(WHERE, shown, since(start), "reading its output failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return CommandResult.error(WHERE, shown, since(start), "interrupted");
        } finally {
            deadline.cancel(false);
        }
    }

    private static CommandResult timedOut(String shown, Duration timeout, BoundedOutput out, BoundedOutput err,
                                          long start) {
        return new CommandResult(WHERE, shown, CommandResult.Outcome.TIMEOUT, -1, out.text(), err.text(), since(start),
                "no exit within " + timeout.toMillis() + "ms, stopped");
    }

    private static void copy(InputStream in, BoundedOutput to) throws IOException {
        try (in) {
            byte[] buffer = new byte[8192];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                to.write(buffer, 0, n);
            }
        }
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
