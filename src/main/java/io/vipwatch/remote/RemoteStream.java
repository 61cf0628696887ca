package io.vipwatch.remote;

import com.jcraft.jsch.ChannelExec;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/**
 * A long-running remote command's output, line by line (see {@link SshPool#stream}). Lines are cut at
 * {@value #MAX_LINE} characters and stripped of the terminal's carriage returns; a stream that ends says why.
 */
public final class RemoteStream implements AutoCloseable {
    static final int MAX_LINE = 4096;

    private final String host;
    private final ChannelExec channel;
    private volatile boolean closed;

    RemoteStream(String host, ChannelExec channel) {
        this.host = host;
        this.channel = channel;
    }

    public String host() {
        return host;
    }

    public boolean open() {
        return !closed && channel.isConnected() && !channel.isClosed();
    }

    /** Runs on the stream's own thread until the output ends. */
    void pump(InputStream in, Consumer<String> onLine, Consumer<String> onEnd) {
        String reason = "the command ended";
        StringBuilder line = new StringBuilder();
        try {
            for (int c = in.read(); c != -1; c = in.read()) {
                if (c == '\n') {
                    deliver(line, onLine);
                } else if (c != '\r' && line.length() < MAX_LINE) {
                    line.append((char) c);
                }
            }
            deliver(line, onLine);
        } catch (IOException e) {
            reason = closed ? "closed" : "read failed: " + e.getMessage();
        } catch (RuntimeException e) {
            reason = "line handler failed: " + e;
        } finally {
            if (closed) {
                reason = "closed";
            } else if (channel.isClosed() && channel.getExitStatus() >= 0) {
                reason = "the command exited with " + channel.getExitStatus();
            }
            channel.disconnect();
            onEnd.accept(reason);
        }
    }

    private static void deliver(StringBuilder line, Consumer<String> onLine) {
        if (!line.isEmpty()) {
            onLine.accept(line.toString());
            line.setLength(0);
        }
    }

    /** Ends the stream; the pseudo-terminal's hang-up stops the command on the host. */
    @Override
    public void close() {
        closed = true;
        channel.disconnect();
    }
}
