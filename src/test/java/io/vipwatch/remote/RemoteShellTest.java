package io.vipwatch.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The end-of-output marker of {@link RemoteShell}; the shell itself is tested in the lab (RemoteIT). */
class RemoteShellTest {
    private static final byte[] MARKER = "\n--vipwatch-done-0123456789abcdef ".getBytes(StandardCharsets.US_ASCII);

    @Test
    void theOutputEndsAtTheMarkerAndTheStatusFollowsIt() {
        RemoteShell.Output out = written("1: lo: <LOOPBACK,UP>\n    inet 127.0.0.1/8 scope host lo\n"
                + "\n--vipwatch-done-0123456789abcdef 0\n");
        RemoteShell.Output.Done done = out.done(MARKER);
        assertThat(done.stdout()).isEqualTo("1: lo: <LOOPBACK,UP>\n    inet 127.0.0.1/8 scope host lo\n");
        assertThat(done.exitCode()).isZero();
    }

    @Test
    void notDoneUntilTheStatusLineIsComplete() {
        assertThat(written("partial output").done(MARKER)).isNull();
        assertThat(written("x\n\n--vipwatch-done-0123456789abcdef 1").done(MARKER)).isNull();
        assertThat(written("x\n\n--vipwatch-done-0123456789abcdef 1\n").done(MARKER).exitCode()).isEqualTo(1);
    }

    @Test
    void anotherTokenIsJustOutput() {
        assertThat(written("\n--vipwatch-done-ffffffffffffffff 0\n").done(MARKER)).isNull();
    }

    @Test
    void outputWithoutATrailingNewlineKeepsItsLastLine() {
        RemoteShell.Output.Done done = written("no newline\n--vipwatch-done-0123456789abcdef 2\n").done(MARKER);
        assertThat(done.stdout()).isEqualTo("no newline");
        assertThat(done.exitCode()).isEqualTo(2);
    }

    private static RemoteShell.Output written(String text) {
        RemoteShell.Output out = new RemoteShell.Output();
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.write(bytes, 0, bytes.length);
        return out;
    }
}
