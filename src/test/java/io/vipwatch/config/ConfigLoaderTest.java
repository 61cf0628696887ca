package io.vipwatch.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vipwatch.testing.ConfigFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    /** The example of the issue, with paths relative to the config file. Line numbers below refer to it. */
    static final String EXAMPLE = """
            ssh:
              user: root
              identity_file: id_ed25519
              known_hosts: known_hosts
              connect_timeout: 2s
              command_timeout: 3s
            mysql:
              user: monitor
              password_file: mysql.pw
              port: 3306
              connect_timeout: 1s
            probes:
              interval: 1s
            clusters:
              - name: lab
                hosts:
                  - { name: db1, address: 198.51.100.11, interface: eth0 }
                  - { name: db2, address: 198.51.100.12, interface: eth0 }
                  - { name: db3, address: 198.51.100.13, interface: eth0 }
                vips:
                  - { name: rw, address: 198.51.100.100/24, expected_holder: db1 }
            """;

    @TempDir
    Path dir;

    @BeforeEach
    void secrets() throws IOException {
        ConfigFiles.create(dir, "id_ed25519", "s3cret-Pa55\n");
    }

    private Config load(String yaml) throws Exception {
        Path file = dir.resolve("vipwatch.yml");
        Files.writeString(file, yaml);
        return new ConfigLoader(Map.of("VW_PW", "from-env")).load(file);
    }

    /** Loads, expecting failure; returns the error lines with the temp dir replaced by "DIR". */
    private List<String> errors(String yaml) {
        Path file = dir.resolve("vipwatch.yml");
        try {
            Files.writeString(file, yaml);
            new ConfigLoader(Map.of()).load(file);
        } catch (ConfigException e) {
            String prefix = dir.toAbsolutePath().normalize().toString();
            return e.errors().stream().map(x -> x.toString().replace(prefix, "DIR")).toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected the config to be rejected:\n" + yaml);
    }

    @Test
    void loadsTheExampleIntoRecords() throws Exception {
        Config c = load(EXAMPLE);
        assertThat(c.ssh().user()).isEqualTo("root");
        assertThat(c.ssh().identityFile()).isEqualTo(dir.resolve("id_ed25519").toAbsolutePath().normalize());
        assertThat(c.ssh().strictHostKeys()).isTrue();
        assertThat(c.ssh().connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.mysql().password().reveal()).isEqualTo("s3cret-Pa55");
        assertThat(c.probes().interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.probes().l2Window()).isEqualTo(Duration.ofMillis(300));
        assertThat(c.clusters()).hasSize(1);
        assertThat(c.clusters().get(0).hosts()).extracting(HostConfig::name).containsExactly("db1", "db2", "db3");
        assertThat(c.clusters().get(0).hosts().get(1).ip()).isEqualTo("198.51.100.12");
        VipConfig rw = c.clusters().get(0).vips().get(0);
        assertThat(rw.address().ip()).isEqualTo("198.51.100.100");
        assertThat(rw.address().prefixLength()).isEqualTo(24);
        assertThat(rw.expectedHolder()).contains("db1");
        assertThat(c.rulesPath()).isEmpty();
    }

    @Test
    void neverPrintsTheSecret() throws Exception {
        Config c = load(EXAMPLE);
        assertThat(c.toString()).doesNotContain("s3cret-Pa55").contains("mysql.pw");
    }

    @Test
    void readsThePasswordFromTheEnvironment() throws Exception {
        Config c = load(EXAMPLE.replace("password_file: mysql.pw", "password_env: VW_PW"));
        assertThat(c.mysql().password().reveal()).isEqualTo("from-env");
        assertThat(c.mysql().password().toString()).doesNotContain("from-env");
    }

    @Test
    void rejectsUnknownKeysWithTheirLine() {
        assertThat(errors(EXAMPLE.replace("  command_timeout: 3s", "  comand_timeout: 3s")))
                .singleElement().asString()
                .startsWith("DIR/vipwatch.yml:6: ssh.comand_timeout: unknown key (expected one of ");
    }

    @Test
    void rejectsBadAddresses() {
        assertThat(errors(EXAMPLE.replace("198.51.100.12,", "198.51.100.300,"))).containsExactly(
                "DIR/vipwatch.yml:18: clusters[0].hosts[1].address: expected an IPv4 address such as 192.168.1.11, "
                        + "found '198.51.100.300'");
        assertThat(errors(EXAMPLE.replace("198.51.100.12,", "db2.example.com,"))).singleElement().asString()
                .contains(":18: clusters[0].hosts[1].address: expected an IPv4 address");
    }

    @Test
    void rejectsBadPrefixLengths() {
        String expected = "DIR/vipwatch.yml:21: clusters[0].vips[0].address: expected an IPv4 address with prefix "
                + "length such as 192.168.1.100/24, found '";
        assertThat(errors(EXAMPLE.replace("100/24", "100/33"))).containsExactly(expected + "198.51.100.100/33'");
        assertThat(errors(EXAMPLE.replace("100/24", "100/0"))).containsExactly(expected + "198.51.100.100/0'");
        assertThat(errors(EXAMPLE.replace("100/24", "100"))).containsExactly(expected + "198.51.100.100'");
    }

    @Test
    void rejectsHostileAndMalformedInterfaceNames() {
        for (String bad : List.of("'eth0;reboot'", "'eth0 && reboot'", "'$(reboot)'", "-eth0", "averyveryverylongname",
                "'eth0`id`'")) {
            assertThat(errors(EXAMPLE.replace("198.51.100.11, interface: eth0", "198.51.100.11, interface: " + bad)))
                    .as(bad).singleElement().asString()
                    .startsWith("DIR/vipwatch.yml:17: clusters[0].hosts[0].interface: expected an interface name of "
                            + "1-15 characters from [A-Za-z0-9_.:@-], not starting with '-', found '");
        }
    }

    @Test
    void acceptsLegalInterfaceNames() throws Exception {
        for (String ok : List.of("eth0", "bond0.100", "eth0:1", "ens3f0np0", "br-data", "vlan@eth0")) {
            Config c = load(EXAMPLE.replace("198.51.100.11, interface: eth0", "198.51.100.11, interface: " + ok));
            assertThat(c.clusters().get(0).hosts().get(0).iface().value()).isEqualTo(ok);
        }
    }

    @Test
    void rejectsDuplicateHostAndVipNames() {
        assertThat(errors(EXAMPLE.replace("name: db3", "name: db1"))).containsExactly(
                "DIR/vipwatch.yml:19: clusters[0].hosts[2].name: duplicate host name 'db1'");
        assertThat(errors(EXAMPLE + "      - { name: rw, address: 198.51.100.101/24 }\n")).containsExactly(
                "DIR/vipwatch.yml:22: clusters[0].vips[1].name: duplicate VIP name 'rw'");
    }

    @Test
    void rejectsAnExpectedHolderThatNamesNoHost() {
        assertThat(errors(EXAMPLE.replace("expected_holder: db1", "expected_holder: db9"))).containsExactly(
                "DIR/vipwatch.yml:21: clusters[0].vips[0].expected_holder: names no host of cluster 'lab' "
                        + "(hosts: db1, db2, db3; or 'writable', or 'any')");
    }

    @Test
    void rejectsMissingSecrets() throws IOException {
        Files.delete(dir.resolve("mysql.pw"));
        assertThat(errors(EXAMPLE)).containsExactly(
                "DIR/vipwatch.yml:9: mysql.password_file: no such file: DIR/mysql.pw");
        assertThat(errors(EXAMPLE.replace("password_file: mysql.pw", "password_env: NOT_SET_ANYWHERE")))
                .containsExactly("DIR/vipwatch.yml:9: mysql.password_env: environment variable 'NOT_SET_ANYWHERE' is not set");
        assertThat(errors(EXAMPLE.replace("  password_file: mysql.pw\n", ""))).containsExactly(
                "DIR/vipwatch.yml:8: mysql.password_file: required: set password_file or password_env");
    }

    @Test
    void rejectsConflictingPasswordSources() {
        assertThat(errors(EXAMPLE.replace("password_file: mysql.pw", "password_file: mysql.pw\n  password_env: X")))
                .containsExactly("DIR/vipwatch.yml:10: mysql.password_env: set either password_file or password_env, not both");
    }

    @Test
    void rejectsMissingIdentityFile() throws IOException {
        Files.delete(dir.resolve("id_ed25519"));
        assertThat(errors(EXAMPLE)).containsExactly("DIR/vipwatch.yml:3: ssh.identity_file: no such file: DIR/id_ed25519");
    }

    @Test
    void rejectsBadDurations() {
        assertThat(errors(EXAMPLE.replace("connect_timeout: 2s", "connect_timeout: 2 sec"))).containsExactly(
                "DIR/vipwatch.yml:5: ssh.connect_timeout: expected a duration such as 500ms, 2s or 1m, found '2 sec'");
        assertThat(errors(EXAMPLE.replace("command_timeout: 3s", "command_timeout: 0s"))).containsExactly(
                "DIR/vipwatch.yml:6: ssh.command_timeout: expected a duration from 100ms to 5m, found 0s");
    }

    @Test
    void reportsEveryErrorAtOnce() {
        List<String> all = errors(EXAMPLE.replace("198.51.100.12,", "198.51.100.256,")
                .replace("interface: eth0 }\n      - { name: db3", "interface: 'eth0;reboot' }\n      - { name: db3")
                .replace("expected_holder: db1", "expected_holder: db7"));
        assertThat(all).hasSize(3);
        assertThat(all).allMatch(e -> e.startsWith("DIR/vipwatch.yml:"));
    }

    @Test
    void reportsYamlSyntaxErrorsWithTheirLine() {
        assertThat(errors(EXAMPLE.replace("  user: monitor", "  user: [monitor"))).singleElement().asString()
                .startsWith("DIR/vipwatch.yml:").contains("not valid YAML");
    }

    @Test
    void rejectsAMissingRulesPath() {
        assertThat(errors(EXAMPLE + "rules: no-such-dir\n")).containsExactly(
                "DIR/vipwatch.yml:22: rules: no such file or directory: DIR/no-such-dir");
    }

    @Test
    void rejectsAVipListedTwice() {
        assertThat(errors(EXAMPLE + "      - { name: rw2, address: 198.51.100.100/24 }\n")).containsExactly(
                "DIR/vipwatch.yml:22: clusters[0].vips[1].address: VIP address 198.51.100.100 is listed more than once");
    }

    @Test
    void rejectsAnEmptyFile() {
        assertThat(errors("")).containsExactly("DIR/vipwatch.yml: file is empty");
    }

    @Test
    void aMissingConfigFileSaysSo() {
        Path missing = dir.resolve("nope.yml");
        try {
            new ConfigLoader(Map.of()).load(missing);
            throw new AssertionError("expected failure");
        } catch (ConfigException e) {
            assertThat(e.getMessage()).isEqualTo(missing.toAbsolutePath() + ": no such file");
        }
    }
}
