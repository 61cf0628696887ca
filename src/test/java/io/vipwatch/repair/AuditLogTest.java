package io.vipwatch.repair;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
    private static final Set<String> FIELDS = Set.of("time", "repair_id", "cluster", "vip", "rule", "plan", "step", "host",
            "command", "exit_code", "output", "duration_ms", "result", "detail", "dry_run", "fencing_token");

    @TempDir
    Path dir;

    @Test
    void everyLineIsAJsonObjectWithTheDocumentedFields() throws Exception {
        Harness h = new Harness(dir);
        RepairOutcome o = h.repair("restore-vip", new Fixture().missing());
        List<JsonNode> lines = h.auditLines();
        assertThat(lines).hasSize(o.steps().size());
        for (JsonNode l : lines) {
            Set<String> names = new TreeSet<>();
            l.fieldNames().forEachRemaining(names::add);
            assertThat(names).isEqualTo(new TreeSet<>(FIELDS));
            assertThat(Instant.parse(l.get("time").asText())).isAfter(Instant.parse("2026-01-01T00:00:00Z"));
            assertThat(l.get("cluster").asText()).isEqualTo("lab");
            assertThat(l.get("vip").asText()).isEqualTo("rw");
            assertThat(l.get("rule").asText()).isEqualTo("some-rule");
            assertThat(l.get("plan").asText()).isEqualTo("restore-vip");
            assertThat(l.get("duration_ms").isIntegralNumber()).isTrue();
            assertThat(l.get("dry_run").isBoolean()).isTrue();
            assertThat(l.get("fencing_token").isNull()).isTrue();
            assertThat(l.get("repair_id").asText()).matches("[0-9a-f]{8}").isEqualTo(lines.get(0).get("repair_id")
                    .asText());
        }
        h.repair("restore-vip", new Fixture().missing());
        assertThat(h.auditLines().get(lines.size()).get("repair_id").asText())
                .isNotEqualTo(lines.get(0).get("repair_id").asText());
        JsonNode add = lines.get(2);
        assertThat(add.get("step").asText()).isEqualTo("add-vip");
        assertThat(add.get("host").asText()).isEqualTo("db1");
        assertThat(add.get("command").asText()).isEqualTo("ip addr add 198.51.100.100/24 dev eth0");
        assertThat(add.get("exit_code").asInt()).isZero();
        assertThat(add.get("result").asText()).isEqualTo("ok");
        assertThat(lines.get(0).get("exit_code").isNull()).isTrue(); // check-link ran no command
        assertThat(Files.readString(h.auditFile)).doesNotContain(Fixture.SECRET);
    }

    @Test
    void appendsToAnExistingFileAndCreatesParentDirectories() throws Exception {
        Path file = dir.resolve("a/b/audit.jsonl");
        try (AuditLog log = new AuditLog(file)) {
            log.append(entry("first", "x"));
        }
        try (AuditLog log = new AuditLog(file)) {
            log.append(entry("second", "multi\nline \"quoted\" output"));
        }
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(2);
        assertThat(new ObjectMapper().readTree(lines.get(1)).get("output").asText())
                .isEqualTo("multi\nline \"quoted\" output");
    }

    @Test
    void concurrentAppendsNeverInterleave() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        try (AuditLog log = new AuditLog(file)) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                String name = "t" + t;
                Thread thread = new Thread(() -> {
                    for (int i = 0; i < 200; i++) {
                        log.append(entry(name, "x".repeat(300)));
                    }
                }, "audit-test-" + t);
                thread.start();
                threads.add(thread);
            }
            for (Thread t : threads) {
                t.join(10_000);
            }
        }
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(1600);
        ObjectMapper json = new ObjectMapper();
        for (String l : lines) {
            assertThat(json.readTree(l).get("output").asText()).hasSize(300);
        }
    }

    @Test
    void outputIsCutTo500Characters() {
        StepRecord r = new StepRecord("announce", "db1", "x", 0, "y".repeat(2000), Duration.ZERO, "ok", "");
        assertThat(r.output()).hasSize(StepRecord.OUTPUT_LIMIT).endsWith("…");
    }

    private static AuditLog.Entry entry(String step, String output) {
        return new AuditLog.Entry(Instant.EPOCH, "r1", "lab", "rw", "rule", "plan", false,
                new StepRecord(step, "db1", "cmd", 0, output, Duration.ofMillis(5), "ok", ""));
    }
}
