package io.vipwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void helpListsTheCommandsAndExitCodes() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("check", "validate", "Exit codes: 0 healthy, 1 problems found, 2 bad config");
    }

    @Test
    void checkHelpExplainsItsOptions() {
        assertThat(run("check", "--help")).isZero();
        assertThat(out.toString()).contains("--config=FILE", "/etc/vipwatch/vipwatch.yml", "--json");
    }

    @Test
    void versionNamesTheProgram() {
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).startsWith("vipwatch ");
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(run("chekc")).isEqualTo(2);
        assertThat(err.toString()).contains("chekc");
        assertThat(run("check", "--jsn")).isEqualTo(2);
    }

    @Test
    void aBadConfigExitsTwoAndNamesFileAndLine(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("vipwatch.yml");
        Files.writeString(config, "ssh:\n  usr: root\n");
        assertThat(run("validate", "--config", config.toString())).isEqualTo(2);
        assertThat(err.toString()).contains(config.toAbsolutePath() + ":2: ssh.usr: unknown key")
                .contains("nothing was run");
        assertThat(run("check", "--config", config.toString())).isEqualTo(2);
        assertThat(out.toString()).isEmpty();
    }
}
