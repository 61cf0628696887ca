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
 * A long-lived {@code ip -force -batch -} on a host, fed one constant {@code ip} command line at a time over one SSH
 * channel. Every poll reads every host's interfaces; as a fresh exec that costs the host a session process, a login
 * shell and {@code ip} (~60 ms of CPU on a small VM, forty hosts at once at every tick), and from a long-lived shell
 * still a fork and the dynamic linking of {@code ip} (~12 ms); here only the netlink dump itself.
 *
 * <p>{@code ip} has no echo command, so the end of each answer is marked by asking for a device that cannot exist:
 * {@code addr show dev TOKEN} fails with {@code Device "TOKEN" does not exist.} on stderr, which {@code 2>&1} puts
 * after the answer ({@code ip} flushes its output after every batch line; stderr is unbuffered), and {@code -force}
 * keeps the batch running after the failure. The marker is an {@code addr} command, not {@code link}: in a batch,
 * {@code link show} leaves a flag set that changes the header lines of every later {@code addr show}.
 *
 * <p>A command that overruns its deadline, or a batch that went away, closes the channel: the next call opens a new
 * one rather than reading the late answer of an earlier command. Only for constant command lines written in
 * vipwatch's code: nothing from a config file is ever written to it.
 */
final class IpBatch implements AutoCloseable {
    /** {@code env} rather than an assignment, which some shells do not pass on through {@code exec}. */
    static final String COMMAND = "exec env LC_ALL=C ip -force -batch - 2>&1";
    /** What {@code ip -force} prints after each failed line, the marker's too; {@code -:N} counts the lines. */
    private static final String FAILED_LINE = "Command failed -:";

    private final String host;
    private final ChannelExec channel;
    private final OutputStream stdin;
    private final Output out = new Output();
    /** The batch line that asks for the device named by the token. */
    private final byte[] markerCommand;
    /** What that line answers: the end of every answer. */
    private final byte[] marker;
    private volatile boolean closed;

    private IpBatch(String host, ChannelExec channel, OutputStream stdin, String token) {
        this.host = host;
        this.channel = channel;
        this.stdin = stdin;
        this.markerCommand = ("addr show dev " + token + "\n").getBytes(StandardCharsets.US_ASCII);
        this.marker = ("Device \"" + token + "\" does not exist.").getBytes(StandardCharsets.US_ASCII);
    }

    /** Starts the batch on an open session; bounded by {@code timeout}. */
    static IpBatch open(String host, Session session, Duration timeout) throws JSchException {
        ChannelExec channel = (ChannelExec) session.openChannel("exec");
        try {
            channel.setCommand(COMMAND);
            OutputStream stdin = channel.getOutputStream();
            // Letters and digits only: the token is a device name on the batch's command line.
            IpBatch batch = new IpBatch(host, channel, stdin,
                    "vipwatchdone" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()));
            channel.setOutputStream(batch.out, true);
            channel.setErrStream(batch.out, true); // the login shell's own complaints, if any
            channel.connect((int) Math.max(1, timeout.toMillis()));
            return batch;
        } catch (IOException e) {
            channel.disconnect();
            throw new JSchException("cannot start ip -batch on " + host + ": " + e.getMessage(), e);
        } catch (JSchException e) {
            channel.disconnect();
            throw e;
        }
    }

    boolean usable() {
        return !closed && channel.isConnected() && !channel.isClosed();
    }

    /**
     * Runs one {@code ip} command line (e.g. {@code addr show}); the batch stays usable only when this returns
     * COMPLETED. The exit code is 1 when {@code ip} reported the line as failed, else 0; its error messages are
     * part of the output, as {@code 2>&1} merged them.
     */
    synchronized CommandResult run(String ipLine, Duration timeout) {
        long start = System.nanoTime();
        String shown = "ip " + ipLine;
        out.reset();
        try {
            stdin.write((ipLine + "\n").getBytes(StandardCharsets.US_ASCII));
            stdin.write(markerCommand);
            stdin.flush();
        } catch (IOException e) {
            close();
            return CommandResult.error(host, shown, since(start),
                    "ip -batch on " + host + " is gone: " + e.getMessage());
        }
        long deadline = start + timeout.toNanos();
        long pauseNanos = 200_000; // start fine-grained: the answer usually comes within a few milliseconds
        while (true) {
            String answer = out.answer(marker);
            if (answer != null) {
                int exit = answer.contains(FAILED_LINE) ? 1 : 0;
                return new CommandResult(host, shown, CommandResult.Outcome.COMPLETED, exit, answer, "",
                        since(start), "");
            }
            if (!usable()) {
                close();
                return new CommandResult(host, shown, CommandResult.Outcome.ERROR, -1, out.text(), "", since(start),
                        "ip -batch on " + host + " ended");
            }
            if (System.nanoTime() > deadline) {
                close();
                return new CommandResult(host, shown, CommandResult.Outcome.TIMEOUT, -1, out.text(), "",
                        since(start), "no answer within " + timeout.toMillis() + "ms");
            }
            LockSupport.parkNanos(pauseNanos);
            pauseNanos = Math.min(pauseNanos * 2, 10_000_000);
        }
    }

    /** Closing the channel closes the batch's stdin: {@code ip} reads end-of-file and exits. */
    @Override
    public void close() {
        closed = true;
        channel.disconnect();
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** What the batch printed since the last command was written; JSch writes it from its session thread. */
    static final class Output extends OutputStream {
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

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

        /**
         * The output before the line that starts with {@code marker}, once that line and the one after it (the
         * marker's own "Command failed" line) are complete, so that nothing of this answer is left to arrive after
         * the next command was written; else null.
         */
        synchronized String answer(byte[] marker) {
            byte[] all = buffer.toByteArray();
            int at = indexOf(all, marker);
            if (at < 0 || at > 0 && all[at - 1] != '\n') {
                return null;
            }
            int lineEnds = 0;
            for (int i = at + marker.length; i < all.length; i++) {
                if (all[i] == '\n' && ++lineEnds == 2) {
                    return new String(all, 0, at, StandardCharsets.UTF_8);
                }
            }
            return null;
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
