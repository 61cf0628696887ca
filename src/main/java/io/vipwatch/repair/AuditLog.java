package io.vipwatch.repair;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The repair audit trail: one JSON object per line per step record, appended and flushed at once so that a crash
 * loses at most the line being written. Fields: {@code time} (ISO-8601), {@code repair_id} (the same on every line
 * of one repair, including bursts sent after it returned), {@code cluster}, {@code vip},
 * {@code rule}, {@code plan}, {@code step}, {@code host}, {@code command}, {@code exit_code} (null when no process
 * exit code), {@code output} (at most 500 characters of stdout and stderr), {@code duration_ms}, {@code result}
 * ({@code ok}, {@code failed}, {@code refused}, {@code dry-run}, {@code skipped}), {@code detail},
 * {@code dry_run}, {@code fencing_token} (the repair lease's epoch with a clustered job store;
 * null for a single instance and for MHA's calls).
 *
 * <p>Only commands and their output are written — addresses, interface names, {@code ip}/{@code arping} text —
 * never credentials. Thread-safe. A write that fails does not stop a repair halfway (that would be worse than an
 * unaudited step); the line goes to the error log instead and {@link #writeFailures()} counts it.
 */
public final class AuditLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one line is about: the repair's context and one of its step records. */
    public record Entry(Instant time, String repairId, String cluster, String vip, String rule, String plan,
                        boolean dryRun, StepRecord step, java.util.OptionalLong fencingToken) {
        /** An entry of work no lease covers. */
        public Entry(Instant time, String repairId, String cluster, String vip, String rule, String plan,
                     boolean dryRun, StepRecord step) {
            this(time, repairId, cluster, vip, rule, plan, dryRun, step, java.util.OptionalLong.empty());
        }

        public Entry {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(repairId, "repairId");
            Objects.requireNonNull(cluster, "cluster");
            Objects.requireNonNull(vip, "vip");
            Objects.requireNonNull(rule, "rule");
            Objects.requireNonNull(plan, "plan");
            Objects.requireNonNull(step, "step");
            Objects.requireNonNull(fencingToken, "fencingToken");
        }
    }

    private final Path file;
    private final BufferedWriter out;
    private long writeFailures;

    /** Opens {@code file} for appending, creating it and its parent directories if needed. */
    public AuditLog(Path file) throws IOException {
        this.file = file;
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    public Path file() {
        return file;
    }

    /** Appends one line and flushes it. Never throws for I/O errors (see the class comment). */
    public synchronized void append(Entry e) {
        String line = line(e);
        try {
            out.write(line);
            out.write('\n');
            out.flush();
        } catch (IOException ex) {
            writeFailures++;
            log.error("cannot write audit log {} ({}); the line was: {}", file, ex.getMessage(), line);
        }
    }

    /** Lines that could not be written since start. */
    public synchronized long writeFailures() {
        return writeFailures;
    }

    static String line(Entry e) {
        StepRecord s = e.step();
        ObjectNode n = JSON.createObjectNode();
        n.put("time", e.time().toString());
        n.put("repair_id", e.repairId());
        n.put("cluster", e.cluster());
        n.put("vip", e.vip());
        n.put("rule", e.rule());
        n.put("plan", e.plan());
        n.put("step", s.step());
        n.put("host", s.host());
        n.put("command", s.command());
        if (s.exitCode() < 0) {
            n.putNull("exit_code");
        } else {
            n.put("exit_code", s.exitCode());
        }
        n.put("output", s.output());
        n.put("duration_ms", s.elapsed().toMillis());
        n.put("result", s.result());
        n.put("detail", s.detail());
        n.put("dry_run", e.dryRun());
        if (e.fencingToken().isPresent()) {
            n.put("fencing_token", e.fencingToken().getAsLong());
        } else {
            n.putNull("fencing_token");
        }
        try {
            return JSON.writeValueAsString(n);
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
            throw new IllegalStateException("a tree of strings and numbers always serialises", ex);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
