package io.vipwatch.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The end-of-answer marker of {@link IpBatch}; the batch itself is tested in the lab (RemoteIT). */
class IpBatchTest {
    private static final byte[] MARKER = "Device \"vipwatchdone0123\" does not exist."
            .getBytes(StandardCharsets.US_ASCII);
    private static final String ANSWER = "1: lo: <LOOPBACK,UP>\n    inet 127.0.0.1/8 scope host lo\n";

    @Test
    void theAnswerEndsAtTheMarkerLine() {
        assertThat(written(ANSWER + "Device \"vipwatchdone0123\" does not exist.\nCommand failed -:2\n")
                .answer(MARKER)).isEqualTo(ANSWER);
    }

    @Test
    void notAnsweredUntilTheMarkerAndItsFailureLineAreComplete() {
        assertThat(written(ANSWER).answer(MARKER)).isNull();
        assertThat(written(ANSWER + "Device \"vipwatchdone0123\" does not exist.").answer(MARKER)).isNull();
        assertThat(written(ANSWER + "Device \"vipwatchdone0123\" does not exist.\nCommand fail").answer(MARKER))
                .as("the rest would land in the next answer").isNull();
    }

    @Test
    void anotherTokenOrTheTokenInsideALineIsJustOutput() {
        assertThat(written("Device \"vipwatchdone9999\" does not exist.\nCommand failed -:2\n").answer(MARKER))
                .isNull();
        assertThat(written("x Device \"vipwatchdone0123\" does not exist.\nCommand failed -:2\n").answer(MARKER))
                .isNull();
    }

    @Test
    void aFailedCommandKeepsItsErrorInTheAnswer() {
        assertThat(written("Error: ???\nCommand failed -:1\nDevice \"vipwatchdone0123\" does not exist.\n"
                + "Command failed -:2\n").answer(MARKER)).isEqualTo("Error: ???\nCommand failed -:1\n");
    }

    private static IpBatch.Output written(String text) {
        IpBatch.Output out = new IpBatch.Output();
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.write(bytes, 0, bytes.length);
        return out;
    }
}
