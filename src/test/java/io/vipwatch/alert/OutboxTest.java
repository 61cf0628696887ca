package io.vipwatch.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vipwatch.testing.FakeClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxTest {
    static final Instant T0 = Instant.parse("2026-11-25T10:00:00.123456789Z");

    @TempDir
    Path dir;
    FakeClock clock = new FakeClock(Instant.parse("2026-11-26T00:00:00Z"));
    Outbox outbox;

    @BeforeEach
    void open() throws IOException {
        outbox = new Outbox(dir, clock);
    }

    static Notification notification(String id, String channel, Instant createdAt) {
        return new Notification(id, channel, createdAt, "CRITICAL lab/rw " + id, "text of " + id,
                Optional.of("<p>" + id + "</p>"), "{\"id\":\"" + id + "\"}");
    }

    private List<String> files(String sub) throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve(sub))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void enqueuedNotificationsComeBackExactlyInCreationOrder() throws IOException {
        Notification late = notification("b-late", "mail", T0.plusSeconds(5));
        Notification early = notification("z-early", "mail", T0);
        Notification noHtml = new Notification("c", "hook", T0.plusSeconds(1), "s", "t", Optional.empty(), "[]");
        outbox.enqueue(late);
        outbox.enqueue(early);
        outbox.enqueue(noHtml);
        assertThat(outbox.pending()).containsExactly(early, noHtml, late);
        assertThat(files("pending")).containsExactly("001795600800123-z-early.json", "001795600801123-c.json",
                "001795600805123-b-late.json");
        assertThat(files("tmp")).isEmpty();
    }

    @Test
    void theFileFormatIsTheDocumentedJson() throws IOException {
        Notification n = notification("n1", "mail", T0);
        outbox.enqueue(n);
        JsonNode json = new ObjectMapper().readTree(dir.resolve("pending/001795600800123-n1.json").toFile());
        assertThat(json.get("id").asText()).isEqualTo("n1");
        assertThat(json.get("channel").asText()).isEqualTo("mail");
        assertThat(json.get("created_at").asText()).isEqualTo("2026-11-25T10:00:00.123456789Z");
        assertThat(json.get("subject").asText()).isEqualTo("CRITICAL lab/rw n1");
        assertThat(json.get("text").asText()).isEqualTo("text of n1");
        assertThat(json.get("html").asText()).isEqualTo("<p>n1</p>");
        assertThat(json.get("json").asText()).isEqualTo("{\"id\":\"n1\"}");
    }

    @Test
    void aNewOutboxOverTheSameDirectorySeesWhatIsPending() throws IOException {
        outbox.enqueue(notification("a", "mail", T0));
        outbox.enqueue(notification("b", "hook", T0.plusMillis(1)));
        Files.writeString(dir.resolve("tmp/write-123.json"), "{\"half\": "); // a crash in the middle of a write
        Outbox afterRestart = new Outbox(dir, clock);
        assertThat(afterRestart.pending()).extracting(Notification::id).containsExactly("a", "b");
        assertThat(files("tmp")).as("leftovers of an interrupted write are removed").isEmpty();
    }

    @Test
    void enqueuingAPendingIdAgainDoesNothing() throws IOException {
        Notification first = notification("same", "mail", T0);
        outbox.enqueue(first);
        outbox.enqueue(first);
        outbox.enqueue(new Notification("same", "mail", T0.plusSeconds(9), "other", "other", Optional.empty(), "{}"));
        assertThat(outbox.pending()).containsExactly(first);
        assertThat(files("pending")).hasSize(1);
    }

    @Test
    void deliveredDeletes() throws IOException {
        outbox.enqueue(notification("a", "mail", T0));
        outbox.enqueue(notification("b", "mail", T0.plusMillis(1)));
        outbox.delivered("a");
        outbox.delivered("not-there");
        assertThat(outbox.pending()).extracting(Notification::id).containsExactly("b");
        assertThat(new Outbox(dir, clock).pending()).extracting(Notification::id).containsExactly("b");
        assertThat(files("failed")).isEmpty();
    }

    @Test
    void failedMovesWithTimeAndReason() throws IOException {
        outbox.enqueue(notification("a", "mail", T0));
        outbox.failed("a", "not delivered within max_age 24h");
        assertThat(outbox.pending()).isEmpty();
        assertThat(files("failed")).containsExactly("001795600800123-a.json");
        JsonNode json = new ObjectMapper().readTree(dir.resolve("failed/001795600800123-a.json").toFile());
        assertThat(json.get("reason").asText()).isEqualTo("not delivered within max_age 24h");
        assertThat(json.get("failed_at").asText()).isEqualTo("2026-11-26T00:00:00Z");
        assertThat(json.get("subject").asText()).isEqualTo("CRITICAL lab/rw a");
    }

    @Test
    void corruptFilesAreMovedAsideAndTheRestIsDelivered() throws IOException {
        outbox.enqueue(notification("good", "mail", T0.plusSeconds(1)));
        Files.writeString(dir.resolve("pending/001795600800000-torn.json"), "{\"id\": \"torn\", \"chan");
        Files.writeString(dir.resolve("pending/001795600800001-partial.json"), "{\"id\": \"partial\"}");
        Files.writeString(dir.resolve("pending/001795600800002-other.json"),
                new String(Files.readAllBytes(dir.resolve("pending/001795600801123-good.json"))));
        Files.writeString(dir.resolve("pending/stray.txt"), "hello");
        assertThat(outbox.pending()).extracting(Notification::id).containsExactly("good");
        assertThat(files("failed")).containsExactly("001795600800000-torn.json.corrupt",
                "001795600800001-partial.json.corrupt", "001795600800002-other.json.corrupt", "stray.txt.corrupt");
        assertThat(files("pending")).containsExactly("001795600801123-good.json");
    }
}
