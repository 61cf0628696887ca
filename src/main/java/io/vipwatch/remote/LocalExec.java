package io.vipwatch.remote;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.PumpStreamHandler;

/**
 * Runs a command on the watchdog host itself (ping, arping, ip) with a hard deadline. Arguments are handed to the
 * process as an argv list; no shell is involved, so no value can be interpreted as shell syntax.
 */
public final class LocalExec {
    public static final String WHERE = "local";

    /** Runs {@code argv}; never throws for command failures, returns them as the result's outcome. */
    public CommandResult run(List<String> argv, Duration timeout) {
        String shown = ShellWords.join(argv);
        CommandLine line = new CommandLine(argv.get(0));
        argv.subList(1, argv.size()).forEach(a -> line.addArgument(a, false));
        BoundedOutput out = new BoundedOutput(BoundedOutput.DEFAULT_LIMIT);
        BoundedOutput err = new BoundedOutput(BoundedOutput.DEFAULT_LIMIT);
        ExecuteWatchdog watchdog = ExecuteWatchdog.builder().setTimeout(timeout).get();
        DefaultExecutor executor = DefaultExecutor.builder().get();
        executor.setStreamHandler(new PumpStreamHandler(out, err));
        executor.setWatchdog(watchdog);
        executor.setExitValues(null); // every exit code is information; the caller interprets it
        long start = System.nanoTime();
        try {
            int exit = executor.execute(line);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            if (watchdog.killedProcess()) {
                return new CommandResult(WHERE, shown, CommandResult.Outcome.TIMEOUT, -1, out.text(), err.text(),
                        elapsed, "no exit within " + timeout.toMillis() + "ms, stopped");
            }
            return new CommandResult(WHERE, shown, CommandResult.Outcome.COMPLETED, exit, out.text(), err.text(),
                    elapsed, "");
        } catch (IOException e) {
            return CommandResult.error(WHERE, shown, Duration.ofNanos(System.nanoTime() - start),
                    "cannot run: " + e.getMessage());
        }
    }
}
