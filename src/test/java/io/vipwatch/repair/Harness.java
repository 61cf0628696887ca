package io.vipwatch.repair;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vipwatch.config.RepairSettings;
import io.vipwatch.probe.VipFacts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** A repairer wired to a recording runner, a test clock and an audit file; one per test. */
final class Harness {
    final FakeRunner runner = new FakeRunner();
    final TestTime time = new TestTime();
    final Path auditFile;
    final List<VipFacts> reprobes = new ArrayList<>();
    private AuditLog audit;
    RepairSettings settings = Fixture.repairs(false);
    Predicate<VipFacts> problemGone = f -> true;
    /** What a fresh read of the hosts' interfaces finds (remove-extra-holders); by default what the facts say. */
    java.util.function.Function<VipFacts, io.vipwatch.probe.Location> relocation = VipFacts::location;
    /** Later bursts run inline after the test clock's wait, unless a test sets a deferring one. */
    Afterwards afterwards = Afterwards.inline(time);
    /** The repair lease of a clustered service; none by default. */
    Fence fence = Fence.NONE;

    Harness(Path dir) {
        this.auditFile = dir.resolve("log").resolve("audit.jsonl");
    }

    static RepairPlan plan(String name) {
        try {
            return RepairPlans.loadBundled().get(name).orElseThrow();
        } catch (io.vipwatch.config.ConfigException e) {
            throw new AssertionError(e);
        }
    }

    RepairOutcome repair(String plan, VipFacts facts, Optional<String> expected, boolean dryRun) {
        return repair(plan(plan), facts, expected, dryRun);
    }

    RepairOutcome repair(RepairPlan plan, VipFacts facts, Optional<String> expected, boolean dryRun) {
        try {
            if (audit == null) {
                // Open for the harness's life: bursts sent afterwards append after the repair returned.
                audit = new AuditLog(auditFile);
            }
            Repairer repairer = new Repairer(Fixture.config(settings), runner, audit, time, time, afterwards);
            return repairer.repair(new RepairRequest(Fixture.CLUSTER, Fixture.VIP, "some-rule", plan, facts,
                    expected, dryRun, () -> {
                        reprobes.add(facts);
                        return facts;
                    }, () -> relocation.apply(facts), problemGone), fence);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    RepairOutcome repair(String plan, Fixture facts) {
        return repair(plan, facts.build(), Optional.of("db1"), false);
    }

    List<JsonNode> auditLines() throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(auditFile)) {
            lines.add(json.readTree(line));
        }
        return lines;
    }

    /** "step result" for each record, e.g. {@code "add-vip ok"}. */
    static List<String> results(RepairOutcome o) {
        return o.steps().stream().map(s -> s.step() + " " + s.result()).toList();
    }
}
