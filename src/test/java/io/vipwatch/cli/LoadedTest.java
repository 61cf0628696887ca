package io.vipwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vipwatch.config.ConfigException;
import io.vipwatch.testing.ConfigFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cross-checks between config, rules and alert channels that only the whole load can make. */
class LoadedTest {
    private static final String CONFIG = """
            ssh: { identity_file: id, known_hosts: known_hosts }
            mysql: { user: monitor, password_file: mysql.pw }
            rules: rules.yml
            alerts:
              channels: channels.yml
            clusters:
              - name: main
                hosts: [ { name: db1, address: 198.51.100.11, interface: eth0 } ]
                vips: [ { name: rw, address: 198.51.100.100/24, expected_holder: db1 } ]
            """;
    private static final String CHANNELS = """
            defaults: { channels: [ops] }
            channels:
              ops: { type: webhook, url: "http://127.0.0.1:1/hook" }
            """;

    @TempDir
    Path dir;

    @BeforeEach
    void files() throws Exception {
        ConfigFiles.create(dir, "id", "pw");
        Files.writeString(dir.resolve("vipwatch.yml"), CONFIG);
        Files.writeString(dir.resolve("channels.yml"), CHANNELS);
    }

    private void rules(String alert) throws Exception {
        Files.writeString(dir.resolve("rules.yml"), """
                rules:
                  - name: vip-missing
                    when: size(vip.holders) == 0
                %s
                """.formatted(alert));
    }

    @Test
    void rulesMayNameConfiguredChannelsOrNoneAndTemplatesAreCompiled() throws Exception {
        rules("    alert: [ops]");
        Loaded loaded = Loaded.from(dir.resolve("vipwatch.yml"));
        assertThat(loaded.templates()).isPresent();
        assertThat(loaded.rules().rules().get(0).lifecycle().alerts()).hasValue(java.util.List.of("ops"));
        rules("    alert: []");
        assertThat(Loaded.from(dir.resolve("vipwatch.yml")).rules().rules().get(0).lifecycle().alerts())
                .hasValue(java.util.List.of());
        rules("");
        assertThat(Loaded.from(dir.resolve("vipwatch.yml")).rules().rules().get(0).lifecycle().alerts()).isEmpty();
    }

    @Test
    void aRuleNamingAnUnknownChannelIsAnErrorAtItsLine() throws Exception {
        rules("    alert: [ops, pager]");
        assertThatThrownBy(() -> Loaded.from(dir.resolve("vipwatch.yml"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining(dir.resolve("rules.yml") + ":2: alert: rule vip-missing names alert channel "
                        + "'pager', which is not defined (channels: ops)");
    }

    @Test
    void aBrokenTemplateInTheConfiguredDirectoryIsAnError() throws Exception {
        rules("");
        Files.createDirectories(dir.resolve("tpl"));
        Files.writeString(dir.resolve("tpl/email-subject.mustache"), "{{#items}} unclosed");
        Files.writeString(dir.resolve("vipwatch.yml"), CONFIG.replace("  channels: channels.yml",
                "  channels: channels.yml\n  templates: tpl"));
        assertThatThrownBy(() -> Loaded.from(dir.resolve("vipwatch.yml"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("email-subject.mustache");
    }
}
