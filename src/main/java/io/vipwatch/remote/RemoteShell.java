package io.vipwatch.remote;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * A long-lived {@code sh} on a host, fed one constant command at a time over one SSH channel. Every poll reads
 * every host's interfaces; as a fresh exec that costs the host a session process, a login shell and the command
 * (~60 ms of CPU on a small VM, forty hosts at once at every tick), here only the command. The end of each command's
 * output is marked with a line that carries a random token and the exit status.
 *
 * <p>A command that overruns its deadline, or a shell that went away, closes the shell: the next call opens a new
 * one rather than reading the late output of an earlier command. Only for constant scripts written in vipwatch's
 * code: nothing from a config file is ever written to the shell.
 */
final class RemoteShell implements AutoCloseable {
    private final String host;
    private final ChannelExec channel;
    private final OutputStream stdin;
    private final Output out = new Output();
    private final Output err = new Output();
    private final String token;
    /** What precedes the exit status in the output: the line break printf adds, the token, a space. */
    private final byte[] marker;
    private volatile boolean closed;

    private RemoteShell(String host, ChannelExec channel, OutputStream stdin, String token) {
        this.host = host;
        this.channel = channel;
        this.stdin = stdin;
        this.token = token;
        this.marker = ("\n" + token + " ").getBytes(StandardCharsets.US_ASCII);
    }

    /** Starts {@code sh} on an open session; bounded by {@code timeout}. */
    static RemoteShell open(String host, Session session, Duration timeout) throws JSchException {
        ChannelExec channel = (ChannelExec) session.openChannel("exec");
        try {
            channel.setCommand("exec sh");
            OutputStream stdin = channel.getOutputStream();
            RemoteShell shell = new RemoteShell(host, channel, stdin,
                    "--vipwatch-done-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()));
            channel.setOutputStream(shell.out, true);
            channel.setErrStream(shell.err, true);
            channel.connect((int) Math.max(1, timeout.toMillis()));
            return shell;
        } catch (IOException e) {
            channel.disconnect();
            throw new JSchException("cannot start a shell on " + host + ": " + e.getMessage(), e);
        } catch (JSchException e) {
            channel.disconnect();
            throw e;
        }
    }

    boolean usable() {
        return !closed && channel.isConnected() && !channel.isClosed();
    }

    /** Runs {@code script} (stdin from /dev/null); the shell stays usable only when this returns COMPLETED. */
    synchronized CommandResult run(String script, Duration timeout) {
        long start = System.nanoTime();
        out.reset();
        err.reset();
        String line = "{ " + script + "\n} </dev/null; printf '\\n%s %d\\n' '" + token + "' \"$?\"\n";
        try {
            stdin.write(line.getBytes(StandardCharsets.US_ASCII));
            stdin.flush();
        } catch (IOException e) {
            close();
            return CommandResult.error(host, script, since(start), "the shell on " + host + " is gone: " + e.getMessage());
        }
        long deadline = start + timeout.toNanos();
        long pauseNanos = 200_000; // start fine-grained: the command usually answers within a few milliseconds
        while (true) {
            Output.Done done = out.done(marker);
            if (done != null) {
                return new CommandResult(host, script, CommandResult.Outcome.COMPLETED, done.exitCode(), done.stdout(),
                        err.text(), since(start), "");
            }
            if (!usable()) {
                close();
                return new CommandResult(host, script, CommandResult.Outcome.ERROR, -1, out.text(), err.text(),
                        since(start), "the shell on " + host + " ended");
            }
            if (System.nanoTime() > deadline) {
                close();
                return new CommandResult(host, script, CommandResult.Outcome.TIMEOUT, -1, out.text(), err.text(),
                        since(start), "no exit within " + timeout.toMillis() + "ms");
            }
            LockSupport.parkNanos(pauseNanos);
            pauseNanos = Math.min(pauseNanos * 2, 10_000_000);
        }
    }

    /** Closing the channel closes the shell's stdin: sh reads end-of-file and exits. */
    @Override
    public void close() {
        closed = true;
        channel.disconnect();
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** What the shell printed since the last command started; JSch writes it from its session thread. */
    static final class Output extends OutputStream {
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

        record Done(String stdout, int exitCode) {
        }

        @Override
        public synchronized void write(int b) {
            if (buffer.size() < BoundedOutput.DEFAULT_LIMIT) {
                buffer.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            buffer.write(b, off, Math.min(len, Math.max(0, BoundedOutput.DEFAULT_LIMIT - buffer.size())));
        }

        synchronized void reset() {
            buffer.reset();
        }

        synchronized String text() {
            return buffer.toString(StandardCharsets.UTF_8);
        }

        /** The output before the end marker and the exit status after it, once the marker line is complete. */
        synchronized Done done(byte[] marker) {
            byte[] all = buffer.toByteArray();
            int at = indexOf(all, marker);
            if (at < 0) {
                return null;
            }
            int end = at + marker.length;
            while (end < all.length && all[end] != '\n') {
                end++;
            }
            if (end == all.length) {
                return null; // the status line is not complete yet
            }
            String status = new String(all, at + marker.length, end - at - marker.length, StandardCharsets.US_ASCII);
            try {
                return new Done(new String(all, 0, at, StandardCharsets.UTF_8), Integer.parseInt(status.strip()));
            } catch (NumberFormatException e) {
                return new Done(new String(all, 0, at, StandardCharsets.UTF_8), -1);
            }
        }

        private static int indexOf(byte[] haystack, byte[] needle) {
            outer:
            for (int i = 0; i + needle.length <= haystack.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (haystack[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }
    }
}
