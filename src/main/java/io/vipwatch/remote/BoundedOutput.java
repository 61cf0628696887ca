package io.vipwatch.remote;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Captures a command's output up to a limit and drops the rest, so a runaway command cannot fill the heap.
 * Thread-safe: JSch and the process readers write from their own threads while the caller may read.
 */
final class BoundedOutput extends OutputStream {
    static final int DEFAULT_LIMIT = 256 * 1024;

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final int limit;
    private boolean truncated;

    BoundedOutput(int limit) {
        this.limit = limit;
    }

    @Override
    public synchronized void write(int b) {
        if (buffer.size() < limit) {
            buffer.write(b);
        } else {
            truncated = true;
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        int room = Math.max(0, limit - buffer.size());
        buffer.write(b, off, Math.min(room, len));
        truncated |= len > room;
    }

    synchronized String text() {
        String s = buffer.toString(StandardCharsets.UTF_8);
        return truncated ? s + "\n[output truncated at " + limit + " bytes]" : s;
    }
}
