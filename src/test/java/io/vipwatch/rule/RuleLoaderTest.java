package io.vipwatch.rule;

import static org.assertj.core.api.Assertions.assertThat;

import io.vipwatch.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleLoaderTest {
    @TempDir
    Path dir;

    private List<String> errors(String yaml) throws Exception {
        Path file = dir.resolve("bad.yml");
        Files.writeString(file, yaml);
        try {
            new RuleLoader().load(file);
        } catch (ConfigException e) {
            String prefix = dir.toAbsolutePath().normalize().toString();
            return e.errors().stream().map(x -> x.toString().replace(prefix, "DIR")).toList();
        }
        throw new AssertionError("expected the rules to be rejected");
    }

    @Test
    void bundledRulesCompileAndNameTheirProblems() throws Exception {
        RuleSet rules = new RuleLoader().loadBundled();
        assertThat(rules.rules()).extracting(Rule::name).containsExactlyInAnyOrder("vip-missing", "vip-misplaced",
                "duplicate-holders", "arp-stale", "ping-failed", "sql-failed", "sql-wrong-server", "host-unreachable",
                "interface-down", "master-ambiguous", "holder-link-down");
    }

    @Test
    void theRepositoryRulesDirectoryLoadsToo() throws Exception {
        RuleSet rules = new RuleLoader().load(Path.of("rules"));
        assertThat(rules.rules()).hasSize(11);
    }

    @Test
    void anUnknownFactIsALoadErrorWithLineAndColumn() throws Exception {
        assertThat(errors("""
                rules:
                  - name: typo
                    when: size(vip.holderz) == 0
                """)).containsExactly("DIR/bad.yml:3: rules[0].when: undeclared reference to 'vip' (column 6)");
    }

    @Test
    void aConditionMustBeBoolean() throws Exception {
        assertThat(errors("""
                rules:
                  - name: not-bool
                    when: ping.rtt_ms
                """)).singleElement().asString()
                .startsWith("DIR/bad.yml:3: rules[0].when: expected type 'bool' but found 'double'");
    }

    @Test
    void errorsInsideMultiLineConditionsPointAtTheirLine() throws Exception {
        assertThat(errors("""
                rules:
                  - name: multi
                    when: |
                      size(vip.holders) > 0 &&
                      ping.okk
                """)).singleElement().asString().startsWith("DIR/bad.yml:5: rules[0].when: undeclared reference");
    }

    @Test
    void typeErrorsAreCaught() throws Exception {
        assertThat(errors("""
                rules:
                  - name: types
                    when: ping.ok == "yes"
                """)).singleElement().asString().startsWith("DIR/bad.yml:3: rules[0].when: found no matching overload");
    }

    @Test
    void rejectsDuplicateNamesBadSeverityAndUnknownKeys() throws Exception {
        assertThat(errors("""
                rules:
                  - name: twice
                    when: ping.ok
                  - name: twice
                    severity: urgent
                    when: ping.ok
                    repaer: nothing
                """)).containsExactly(
                "DIR/bad.yml:7: rules[1].repaer: unknown key (expected one of alert, clear_for, cooldown, for, hosts, "
                        + "max_attempts, name, repair, runbook, severity, summary, when, window)",
                "DIR/bad.yml:4: rules[1].name: problem 'twice' is already defined at DIR/bad.yml:2",
                "DIR/bad.yml:5: rules[1].severity: expected critical, warning or info, found 'urgent'");
    }

    @Test
    void hostsMustBeAListOfStrings() throws Exception {
        assertThat(errors("""
                rules:
                  - name: hosts
                    when: ping.ok
                    hosts: ping.rtt_ms
                """)).singleElement().asString()
                .startsWith("DIR/bad.yml:4: rules[0].hosts: expected type 'list(string)' but found 'double'");
    }
}
