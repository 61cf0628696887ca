package io.vipwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.vipwatch.testing.ConfigFiles;
import io.vipwatch.testing.HookReceiver;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code vipwatch alert test} against a real SMTP server (GreenMail) and a real HTTP listener. */
class AlertCommandTest {
    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP);

    @TempDir
    Path dir;
    private HookReceiver hooks;
    private final StringWriter out = new StringWriter();

    @BeforeEach
    void files() throws Exception {
        hooks = new HookReceiver();
        ConfigFiles.create(dir, "id", "pw");
        Files.writeString(dir.resolve("vipwatch.yml"), """
                ssh: { identity_file: id, known_hosts: known_hosts }
                mysql: { user: monitor, password_file: mysql.pw }
                alerts: { channels: channels.yml }
                clusters:
                  - name: main
                    hosts: [ { name: db1, address: 198.51.100.11, interface: eth0 } ]
                    vips: [ { name: rw, address: 198.51.100.100/24, expected_holder: db1 } ]
                """);
        Files.writeString(dir.resolve("channels.yml"), """
                channels:
                  mail: { type: email, host: 127.0.0.1, port: %d, security: none, from: vw@lab.test,
                          to: [dba@lab.test] }
                  hook: { type: webhook, url: "%s" }
                """.formatted(SMTP.getSmtp().getPort(), hooks.url("/hook")));
    }

    @AfterEach
    void stop() {
        hooks.close();
    }

    private int run(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(out, true));
        return cl.execute(args);
    }

    @Test
    void everyChannelGetsATestAndTheOutputSaysSo() throws Exception {
        assertThat(run("alert", "test", "--config", dir.resolve("vipwatch.yml").toString())).isZero();
        assertThat(out.toString()).containsPattern("mail: accepted in \\d+ ms").containsPattern("hook: accepted in");
        assertThat(SMTP.getReceivedMessages()).singleElement()
                .satisfies(m -> assertThat(m.getSubject()).startsWith("[vipwatch] TEST notification from "));
        assertThat(hooks.accepted("/hook")).singleElement()
                .satisfies(r -> assertThat(r.body()).contains("\"status\":\"test\""));
    }

    @Test
    void aFailingChannelIsNamedAndTheExitCodeSaysSo() {
        hooks.answer(500);
        assertThat(run("alert", "test", "--config", dir.resolve("vipwatch.yml").toString(), "--channel", "hook"))
                .isEqualTo(1);
        assertThat(out.toString()).contains("hook: FAILED").contains("500").doesNotContain("mail:");
        assertThat(SMTP.getReceivedMessages()).isEmpty();
        assertThat(run("alert", "test", "--config", dir.resolve("vipwatch.yml").toString(), "--channel", "pager"))
                .isEqualTo(2);
        assertThat(out.toString()).contains("no channel 'pager' (channels: mail, hook)");
    }
}
