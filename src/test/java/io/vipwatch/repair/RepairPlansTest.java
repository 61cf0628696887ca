package io.vipwatch.repair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vipwatch.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepairPlansTest {
    private static final String STEPS = "add-vip, announce, check-link, flush-stale-entries, guard-no-other-mac, move-to-fallback, "
            + "remove-extra-holders, verify";

    @TempDir
    Path dir;

    private List<String> errors(String yaml) throws Exception {
        Path file = dir.resolve("bad.yml");
        Files.writeString(file, yaml);
        return errorsOf(file);
    }

    private List<String> errorsOf(Path path) {
        try {
            RepairPlans.load(path);
        } catch (ConfigException e) {
            String prefix = dir.toAbsolutePath().normalize().toString();
            return e.errors().stream().map(x -> x.toString().replace(prefix, "DIR")).toList();
        }
        throw new AssertionError("expected the plans to be rejected");
    }

    @Test
    void bundledPlansAreTheDefaults() throws Exception {
        RepairPlans plans = RepairPlans.loadBundled();
        assertThat(plans.names()).containsExactly("restore-vip", "move-vip", "remove-duplicates", "reannounce",
                "use-fallback");
        assertThat(plans.get("restore-vip").orElseThrow().steps())
                .containsExactly("check-link", "guard-no-other-mac", "add-vip", "announce", "verify");
        assertThat(plans.get("move-vip").orElseThrow().steps()).containsExactly("check-link",
                "remove-extra-holders", "guard-no-other-mac", "add-vip", "announce", "verify");
        assertThat(plans.get("remove-duplicates").orElseThrow().steps())
                .containsExactly("remove-extra-holders", "announce", "verify");
        assertThat(plans.get("reannounce").orElseThrow().steps())
                .containsExactly("announce", "flush-stale-entries", "verify");
        assertThat(plans.get("restore-vip").orElseThrow().origin()).endsWith("repair-plans.yml:18");
        assertThat(plans.get("nope")).isEmpty();
    }

    @Test
    void theRepositoryRulesDirectoryHoldsThePlansNextToTheRules() throws Exception {
        assertThat(RepairPlans.load(Path.of("rules")).names())
                .containsExactly("restore-vip", "move-vip", "remove-duplicates", "reannounce",
                "use-fallback");
    }

    @Test
    void aRuleFileWithoutPlansHasNone() throws Exception {
        Path file = dir.resolve("rules.yml");
        Files.writeString(file, "rules:\n  - name: x\n    when: true\n");
        assertThat(RepairPlans.load(file).names()).isEmpty();
    }

    @Test
    void anUnknownStepIsNamedWithItsLine() throws Exception {
        assertThat(errors("""
                plans:
                  restore-vip:
                    steps:
                      - check-link
                      - add-vipp
                """)).containsExactly("DIR/bad.yml:5: plans.restore-vip.steps[1]: unknown step 'add-vipp' "
                + "(expected one of " + STEPS + ")");
    }

    @Test
    void unknownKeysAreRejected() throws Exception {
        assertThat(errors("""
                plans:
                  p:
                    steps: [verify]
                    retries: 3
                """)).containsExactly("DIR/bad.yml:4: plans.p.retries: unknown key (expected one of steps)");
    }

    @Test
    void aPlanNameMayBeDefinedOnce() throws Exception {
        assertThat(errors("""
                plans:
                  p:
                    steps: [verify]
                  p:
                    steps: [announce]
                """)).containsExactly("DIR/bad.yml:4: plans.p: plan 'p' is already defined at DIR/bad.yml:2");
    }

    @Test
    void aPlanNameMayBeDefinedOnceAcrossTheFilesOfADirectory() throws Exception {
        Files.writeString(dir.resolve("a.yml"), "plans:\n  p:\n    steps: [verify]\n");
        Files.writeString(dir.resolve("b.yml"), "rules: []\nplans:\n  p:\n    steps: [verify]\n");
        assertThat(errorsOf(dir)).containsExactly("DIR/b.yml:3: plans.p: plan 'p' is already defined at DIR/a.yml:2");
    }

    @Test
    void stepListsMustBeNonEmptyLists() throws Exception {
        assertThat(errors("""
                plans:
                  empty:
                    steps: []
                  scalar:
                    steps: verify
                  missing: {}
                """)).containsExactly(
                "DIR/bad.yml:3: plans.empty.steps: expected at least one step, found an empty list",
                "DIR/bad.yml:5: plans.scalar.steps: expected a list of step names, found 'verify'",
                "DIR/bad.yml:6: plans.missing.steps: required key is missing");
    }

    @Test
    void addVipNeedsTheLinkCheckAndTheGuardBeforeIt() throws Exception {
        assertThat(errors("""
                plans:
                  reckless:
                    steps: [check-link, add-vip, guard-no-other-mac]
                """)).containsExactly("DIR/bad.yml:3: plans.reckless.steps: add-vip must come after check-link and "
                + "guard-no-other-mac: a VIP is never added on a dead link or while another MAC answers for it");
    }

    @Test
    void badNamesAndShapesAreReported() throws Exception {
        assertThat(errors("""
                plans:
                  Restore_VIP:
                    steps: [verify]
                """)).containsExactly("DIR/bad.yml:2: plans.Restore_VIP: expected a plan name of lower-case "
                + "letters, digits and '-', found 'Restore_VIP'");
        assertThat(errors("plans: [restore-vip]\n"))
                .containsExactly("DIR/bad.yml:1: plans: expected a mapping of plan names to plans, found a list");
    }

    @Test
    void everyErrorOfAFileIsReportedAtOnce() throws Exception {
        assertThat(errors("""
                plans:
                  a:
                    steps: [nope]
                  b:
                    steps: []
                """)).hasSize(2);
    }

    @Test
    void aPlanBuiltInCodeIsCheckedToo() {
        assertThatThrownBy(() -> new RepairPlan("p", List.of("reboot"), "test"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown step 'reboot'");
        assertThatThrownBy(() -> new RepairPlan("p", List.of(), "test")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RepairPlan("p", List.of("add-vip"), "test"))
                .hasMessageContaining("add-vip must come after check-link");
    }
}
