package io.vipwatch.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChannelsLoaderTest {
    /** One channel of each kind, with paths relative to the file. Line numbers in the tests refer to it. */
    static final String GOOD = """
            defaults:
              channels: [dba-mail]
            delivery:
              initial_backoff: 2s
              max_backoff: 1m
              max_age: 12h
            channels:
              dba-mail:
                type: email
                host: smtp.example.com
                port: 2525
                security: smtps
                username: vipwatch
                password_file: smtp.pw
                from: vipwatch@example.com
                to: [dba@example.com, oncall@example.com]
                cc: [boss@example.com]
                html: true
                connect_timeout: 3s
                timeout: 7s
                ca_file: ca.pem
                repeat_interval: 2h
              ops-hook:
                type: webhook
                url: https://hooks.example.com/vipwatch
                format: generic
                headers:
                  X-Team: dba
                  Authorization: { file: hook.token }
                timeout: 4s
              am:
                type: webhook
                url: http://127.0.0.1:9093/
                format: alertmanager
                headers:
                  X-Token: { env: AM_TOKEN }
            """;
    static final String SMTP_PASSWORD = "smtp-Pa55-word";
    static final String HOOK_TOKEN = "Bearer hook-t0ken";
    static final String ENV_TOKEN = "env-t0ken";
    /** A self-signed certificate (public part only) for ca_file. */
    static final String PEM = """
            -----BEGIN CERTIFICATE-----
            MIIBjjCCATOgAwIBAgIULJ6JK8Xbc3mMmyku7mhWbBy7UOswCgYIKoZIzj0EAwIw
            GzEZMBcGA1UEAwwQdmlwd2F0Y2ggdGVzdCBDQTAgFw0yNjExMjUxNDIxMzVaGA8y
            MTI2MTEwMTE0MjEzNVowGzEZMBcGA1UEAwwQdmlwd2F0Y2ggdGVzdCBDQTBZMBMG
            ByqGSM49AgEGCCqGSM49AwEHA0IABO5V58RLfZBnSTMSgWd6trsO64QY+4rS5S+O
            8G61E8plKZV+A96Sq4UfGHmblwCM/gvYNJVk7Dj1syDEVx4a3wqjUzBRMB0GA1Ud
            DgQWBBSZmoFkhDuJC2fido+AFPlkeB42nDAfBgNVHSMEGDAWgBSZmoFkhDuJC2fi
            do+AFPlkeB42nDAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0kAMEYCIQDG
            B+pjEh+hwHqiewxNqoIfwz/l2xK6T9tpNBVMLDDziQIhAM5a5RcJ9EbXmKgOLRlK
            HweSpTQ0QQEnyntIE4Jal6v4
            -----END CERTIFICATE-----
            """;
    static final Map<String, String> ENV = Map.of("AM_TOKEN", ENV_TOKEN, "EMPTY", "");

    @TempDir
    Path dir;

    @BeforeEach
    void files() throws IOException {
        Files.writeString(dir.resolve("smtp.pw"), SMTP_PASSWORD + "\n");
        Files.writeString(dir.resolve("hook.token"), HOOK_TOKEN + "\r\n");
        Files.writeString(dir.resolve("ca.pem"), PEM);
    }

    private AlertChannels load(String yaml) throws ConfigException, IOException {
        Path file = dir.resolve("channels.yml");
        Files.writeString(file, yaml);
        return new ChannelsLoader(ENV).load(file);
    }

    /** Loads, expecting failure; returns the error lines with the temp dir replaced by "DIR". */
    private List<String> errors(String yaml) {
        try {
            load(yaml);
        } catch (ConfigException e) {
            String prefix = dir.toAbsolutePath().normalize().toString();
            return e.errors().stream().map(x -> x.toString().replace(prefix, "DIR")).toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected the channels file to be rejected:\n" + yaml);
    }

    @Test
    void loadsEveryFieldOfBothKinds() throws Exception {
        AlertChannels c = load(GOOD);
        assertThat(c.source()).contains(dir.resolve("channels.yml").toAbsolutePath().normalize());
        assertThat(c.channels()).containsOnlyKeys("dba-mail", "ops-hook", "am");
        assertThat(c.channels().keySet()).containsExactly("dba-mail", "ops-hook", "am");
        assertThat(c.defaultChannels()).containsExactly("dba-mail");
        assertThat(c.delivery()).isEqualTo(new AlertChannels.Delivery(Duration.ofSeconds(2), Duration.ofMinutes(1),
                Duration.ofHours(12)));

        AlertChannel.Email mail = (AlertChannel.Email) c.channels().get("dba-mail");
        assertThat(mail.origin().line()).isEqualTo(8);
        assertThat(mail.host()).isEqualTo("smtp.example.com");
        assertThat(mail.port()).isEqualTo(2525);
        assertThat(mail.security()).isEqualTo(AlertChannel.Security.SMTPS);
        assertThat(mail.username()).contains("vipwatch");
        assertThat(mail.password().orElseThrow().reveal()).isEqualTo(SMTP_PASSWORD);
        assertThat(mail.from()).isEqualTo("vipwatch@example.com");
        assertThat(mail.to()).containsExactly("dba@example.com", "oncall@example.com");
        assertThat(mail.cc()).containsExactly("boss@example.com");
        assertThat(mail.html()).isTrue();
        assertThat(mail.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(mail.timeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(mail.caFile()).contains(dir.resolve("ca.pem").toAbsolutePath().normalize());
        assertThat(mail.repeatInterval()).contains(Duration.ofHours(2));

        AlertChannel.Webhook hook = (AlertChannel.Webhook) c.channels().get("ops-hook");
        assertThat(hook.url()).isEqualTo(URI.create("https://hooks.example.com/vipwatch"));
        assertThat(hook.format()).isEqualTo(AlertChannel.Format.GENERIC);
        assertThat(hook.headers().get("X-Team").reveal()).isEqualTo("dba");
        assertThat(hook.headers().get("Authorization").reveal()).isEqualTo(HOOK_TOKEN);
        assertThat(hook.timeout()).isEqualTo(Duration.ofSeconds(4));
        assertThat(hook.caFile()).isEmpty();
        assertThat(hook.repeatInterval()).as("generic webhooks use alerts.repeat_interval").isEmpty();

        AlertChannel.Webhook am = (AlertChannel.Webhook) c.channels().get("am");
        assertThat(am.format()).isEqualTo(AlertChannel.Format.ALERTMANAGER);
        assertThat(am.headers().get("X-Token").reveal()).isEqualTo(ENV_TOKEN);
        assertThat(am.repeatInterval()).as("Alertmanager resolves alerts not re-sent").contains(Duration.ofMinutes(1));
        assertThat(am.timeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void recordsNeverPrintTheirSecrets() throws Exception {
        String printed = load(GOOD).toString();
        assertThat(printed).contains("file " + dir.resolve("smtp.pw").toAbsolutePath().normalize())
                .doesNotContain(SMTP_PASSWORD, HOOK_TOKEN, ENV_TOKEN);
    }

    @Test
    void defaultsOfAMinimalEmailChannel() throws Exception {
        String minimal = """
                channels:
                  m:
                    type: email
                    host: 192.0.2.25
                    from: vipwatch@example.com
                    to: [dba@example.com]
                """;
        AlertChannel.Email mail = (AlertChannel.Email) load(minimal).channels().get("m");
        assertThat(mail.security()).isEqualTo(AlertChannel.Security.STARTTLS);
        assertThat(mail.port()).isEqualTo(587);
        assertThat(mail.username()).isEmpty();
        assertThat(mail.password()).isEmpty();
        assertThat(mail.html()).isFalse();
        assertThat(mail.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(mail.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(mail.repeatInterval()).isEmpty();
        assertThat(((AlertChannel.Email) load(minimal + "    security: none\n").channels().get("m")).port())
                .isEqualTo(25);
        assertThat(((AlertChannel.Email) load(minimal + "    security: smtps\n").channels().get("m")).port())
                .isEqualTo(465);
        assertThat(load(minimal).delivery()).isEqualTo(AlertChannels.Delivery.DEFAULT);
        assertThat(load(minimal).defaultChannels()).isEmpty();
    }

    @Test
    void passwordFromTheEnvironment() throws Exception {
        AlertChannel.Email mail = (AlertChannel.Email) load(GOOD.replace("password_file: smtp.pw",
                "password_env: AM_TOKEN")).channels().get("dba-mail");
        assertThat(mail.password().orElseThrow().reveal()).isEqualTo(ENV_TOKEN);
        assertThat(mail.password().orElseThrow().source()).isEqualTo("environment variable AM_TOKEN");
    }

    @Test
    void theShippedExampleLoadsAndDefinesNoChannel() throws Exception {
        AlertChannels shipped = new ChannelsLoader(Map.of()).load(Path.of("alerts/channels.yml"));
        assertThat(shipped.channels()).isEmpty();
        assertThat(shipped.delivery()).isEqualTo(AlertChannels.Delivery.DEFAULT);
    }

    /** The format documented in the shipped file's comments is the format the loader reads. */
    @Test
    void theDocumentedExampleLoadsOnceUncommented() throws Exception {
        String comments = Files.readAllLines(Path.of("alerts/channels.yml")).stream()
                .dropWhile(line -> !line.equals("# defaults:"))
                .takeWhile(line -> !line.startsWith("# Every notification"))
                .map(line -> line.replaceFirst("^# ?", ""))
                .collect(Collectors.joining("\n"))
                .replace("/etc/vipwatch/", dir.toAbsolutePath() + "/");
        Files.writeString(dir.resolve("hook-ca.pem"), PEM);
        Files.writeString(dir.resolve("smtp-ca.pem"), PEM);
        AlertChannels documented = load(comments);
        assertThat(documented.channels()).containsOnlyKeys("dba-mail", "ops-hook");
        assertThat(documented.defaultChannels()).containsExactly("dba-mail");
        assertThat(((AlertChannel.Webhook) documented.channels().get("ops-hook")).headers().get("Authorization")
                .reveal()).isEqualTo(HOOK_TOKEN);
    }

    @Test
    void unknownKeysAnywhere() {
        assertThat(errors(GOOD.replace("    host: smtp", "    hots: smtp"))).containsExactly(
                "DIR/channels.yml:10: channels.dba-mail.hots: unknown key (expected one of ca_file, cc, "
                        + "connect_timeout, from, host, html, password_env, password_file, port, repeat_interval, "
                        + "security, timeout, to, type, username)",
                "DIR/channels.yml:9: channels.dba-mail.host: required key is missing");
        assertThat(errors(GOOD.replace("    format: generic", "    fromat: generic"))).singleElement().asString()
                .startsWith("DIR/channels.yml:26: channels.ops-hook.fromat: unknown key (expected one of ca_file, "
                        + "format, headers,");
        assertThat(errors(GOOD.replace("delivery:", "delivry:"))).singleElement().asString()
                .startsWith("DIR/channels.yml:3: delivry: unknown key (expected one of channels, defaults, delivery)");
        assertThat(errors(GOOD.replace("{ env: AM_TOKEN }", "{ env: AM_TOKEN, value: x }"))).containsExactly(
                "DIR/channels.yml:36: channels.am.headers.X-Token.value: unknown key (expected one of env, file)");
    }

    @Test
    void typeAndEnumerations() {
        assertThat(errors(GOOD.replace("type: email", "type: sms"))).containsExactly(
                "DIR/channels.yml:9: channels.dba-mail.type: expected email or webhook, found 'sms'");
        assertThat(errors(GOOD.replace("    type: email\n", ""))).containsExactly(
                "DIR/channels.yml:9: channels.dba-mail.type: required key is missing");
        assertThat(errors(GOOD.replace("security: smtps", "security: tls"))).containsExactly(
                "DIR/channels.yml:12: channels.dba-mail.security: expected none, starttls or smtps, found 'tls'");
        assertThat(errors(GOOD.replace("format: generic", "format: slack"))).containsExactly(
                "DIR/channels.yml:26: channels.ops-hook.format: expected generic or alertmanager, found 'slack'");
        assertThat(errors(GOOD.replace("html: true", "html: yes please"))).containsExactly(
                "DIR/channels.yml:18: channels.dba-mail.html: expected true or false, found 'yes please'");
    }

    @Test
    void hostPortAndTimeouts() {
        assertThat(errors(GOOD.replace("port: 2525", "port: 70000"))).containsExactly(
                "DIR/channels.yml:11: channels.dba-mail.port: expected an integer from 1 to 65535, found 70000");
        assertThat(errors(GOOD.replace("port: 2525", "port: smtp"))).containsExactly(
                "DIR/channels.yml:11: channels.dba-mail.port: expected an integer, found 'smtp'");
        for (String bad : List.of("smtp_example.com", "300.1.2.3", "-smtp.example.com", "smtp..example.com")) {
            assertThat(errors(GOOD.replace("host: smtp.example.com", "host: " + bad))).containsExactly(
                    "DIR/channels.yml:10: channels.dba-mail.host: expected a host name or IPv4 address, found '"
                            + bad + "'");
        }
        assertThat(errors(GOOD.replace("timeout: 7s", "timeout: 0s"))).containsExactly(
                "DIR/channels.yml:20: channels.dba-mail.timeout: expected a duration from 100ms to 5m, found 0s");
        assertThat(errors(GOOD.replace("timeout: 4s", "timeout: 4 seconds"))).containsExactly(
                "DIR/channels.yml:30: channels.ops-hook.timeout: expected a duration such as 500ms, 2s or 1m, "
                        + "found '4 seconds'");
        assertThat(errors(GOOD.replace("repeat_interval: 2h", "repeat_interval: 10s"))).containsExactly(
                "DIR/channels.yml:22: channels.dba-mail.repeat_interval: expected a duration from 1m to 168h, "
                        + "found 10s");
    }

    @Test
    void delivery() {
        assertThat(errors(GOOD.replace("initial_backoff: 2s", "initial_backoff: 2m"))).containsExactly(
                "DIR/channels.yml:4: delivery.initial_backoff: initial_backoff (2m) must not exceed max_backoff (1m)");
        assertThat(errors(GOOD.replace("max_age: 12h", "max_age: 10s"))).containsExactly(
                "DIR/channels.yml:6: delivery.max_age: expected a duration from 1m to 720h, found 10s");
    }

    @Test
    void addresses() {
        assertThat(errors(GOOD.replace("to: [dba@example.com, oncall@example.com]", "to: [dba@example.com, oncall]")))
                .containsExactly("DIR/channels.yml:16: channels.dba-mail.to[1]: expected an e-mail address such as "
                        + "dba@example.com, found 'oncall'");
        assertThat(errors(GOOD.replace("to: [dba@example.com, oncall@example.com]", "to: []"))).containsExactly(
                "DIR/channels.yml:16: channels.dba-mail.to: list at least one recipient");
        assertThat(errors(GOOD.replace("to: [dba@example.com, oncall@example.com]", "to: dba@example.com")))
                .containsExactly("DIR/channels.yml:16: channels.dba-mail.to: expected a list such as [a, b], found "
                        + "'dba@example.com'");
        assertThat(errors(GOOD.replace("    to: [dba@example.com, oncall@example.com]\n", ""))).containsExactly(
                "DIR/channels.yml:9: channels.dba-mail.to: required key is missing");
        assertThat(errors(GOOD.replace("from: vipwatch@example.com", "from: vipwatch@@example.com")))
                .containsExactly("DIR/channels.yml:15: channels.dba-mail.from: expected an e-mail address such as "
                        + "vipwatch@example.com, found 'vipwatch@@example.com'");
        assertThat(errors(GOOD.replace("cc: [boss@example.com]", "cc: [a@example.com, b@example.com c@x]")))
                .containsExactly("DIR/channels.yml:17: channels.dba-mail.cc[1]: expected an e-mail address such as "
                        + "dba@example.com, found 'b@example.com c@x'");
    }

    @Test
    void passwordNeedsUsernameAndOneSource() {
        assertThat(errors(GOOD.replace("    username: vipwatch\n", ""))).containsExactly(
                "DIR/channels.yml:13: channels.dba-mail.password_file: a password needs a username; set username");
        assertThat(errors(GOOD.replace("    password_file: smtp.pw\n", ""))).containsExactly(
                "DIR/channels.yml:13: channels.dba-mail.username: a username needs a password: set password_file "
                        + "or password_env");
        assertThat(errors(GOOD.replace("password_file: smtp.pw", "password_file: smtp.pw\n    password_env: X")))
                .containsExactly("DIR/channels.yml:15: channels.dba-mail.password_env: set either password_file or "
                        + "password_env, not both");
        assertThat(errors(GOOD.replace("password_file: smtp.pw", "password_file: nope.pw"))).containsExactly(
                "DIR/channels.yml:14: channels.dba-mail.password_file: no such file: DIR/nope.pw");
        assertThat(errors(GOOD.replace("password_file: smtp.pw", "password_env: NOT_SET"))).containsExactly(
                "DIR/channels.yml:14: channels.dba-mail.password_env: environment variable 'NOT_SET' is not set");
        assertThat(errors(GOOD.replace("password_file: smtp.pw", "password_env: EMPTY"))).containsExactly(
                "DIR/channels.yml:14: channels.dba-mail.password_env: environment variable 'EMPTY' is empty");
    }

    @Test
    void webhookUrls() {
        String expected = "DIR/channels.yml:25: channels.ops-hook.url: expected an http:// or https:// URL such as "
                + "https://hooks.example.com/vipwatch";
        assertThat(errors(GOOD.replace("https://hooks.example.com/vipwatch", "ftp://hooks.example.com/x")))
                .containsExactly(expected);
        assertThat(errors(GOOD.replace("https://hooks.example.com/vipwatch", "hooks.example.com/vipwatch")))
                .containsExactly(expected);
        assertThat(errors(GOOD.replace("https://hooks.example.com/vipwatch", "https://hooks example.com/")))
                .singleElement().asString().startsWith("DIR/channels.yml:25: channels.ops-hook.url: not a valid URL");
        assertThat(errors(GOOD.replace("https://hooks.example.com/vipwatch", "https://hooks.example.com/x#y")))
                .containsExactly("DIR/channels.yml:25: channels.ops-hook.url: a URL fragment (#...) is never sent to "
                        + "the server; remove it");
    }

    @Test
    void credentialsInAUrlAreRejectedWithoutBeingQuoted() {
        List<String> errors = errors(GOOD.replace("https://hooks.example.com/vipwatch",
                "https://admin:" + SMTP_PASSWORD + "@hooks.example.com/vipwatch"));
        assertThat(errors).containsExactly("DIR/channels.yml:25: channels.ops-hook.url: credentials in the URL are "
                + "not supported (they would show in logs); use headers: { Authorization: { file: PATH } }");
    }

    @Test
    void headerNamesAndValues() {
        assertThat(errors(GOOD.replace("X-Team: dba", "X Team: dba"))).containsExactly(
                "DIR/channels.yml:28: channels.ops-hook.headers.X Team: expected a header name "
                        + "(letters, digits and !#$%&'*+.^_`|~-)");
        assertThat(errors(GOOD.replace("X-Team: dba", "Content-Type: text/plain"))).containsExactly(
                "DIR/channels.yml:28: channels.ops-hook.headers.Content-Type: set by vipwatch or the HTTP client; "
                        + "it cannot be configured");
        assertThat(errors(GOOD.replace("X-Team: dba", "authorization: dba"))).containsExactly(
                "DIR/channels.yml:29: channels.ops-hook.headers.Authorization: header given twice (header names "
                        + "ignore case)");
        assertThat(errors(GOOD.replace("X-Team: dba", "X-Team: [dba]"))).containsExactly(
                "DIR/channels.yml:28: channels.ops-hook.headers.X-Team: expected a value, { file: PATH } or "
                        + "{ env: NAME }, found a list");
        assertThat(errors(GOOD.replace("X-Team: dba", "X-Team: ''"))).containsExactly(
                "DIR/channels.yml:28: channels.ops-hook.headers.X-Team: the header value is empty");
        assertThat(errors(GOOD.replace("{ file: hook.token }", "{ file: missing.token }"))).containsExactly(
                "DIR/channels.yml:29: channels.ops-hook.headers.Authorization.file: no such file: DIR/missing.token");
        assertThat(errors(GOOD.replace("{ env: AM_TOKEN }", "{ env: NOPE }"))).containsExactly(
                "DIR/channels.yml:36: channels.am.headers.X-Token.env: environment variable 'NOPE' is not set");
        assertThat(errors(GOOD.replace("{ env: AM_TOKEN }", "{ env: AM_TOKEN, file: hook.token }"))).containsExactly(
                "DIR/channels.yml:36: channels.am.headers.X-Token.env: set either file or env, not both");
        assertThat(errors(GOOD.replace("{ env: AM_TOKEN }", "{ }"))).containsExactly(
                "DIR/channels.yml:36: channels.am.headers.X-Token.file: set file or env");
    }

    @Test
    void aTokenFileWithALineBreakInsideIsRejectedWithoutQuotingIt() throws IOException {
        Files.writeString(dir.resolve("hook.token"), HOOK_TOKEN + "\nsecond-line-S3CRET\n");
        List<String> errors = errors(GOOD);
        assertThat(errors).containsExactly("DIR/channels.yml:29: channels.ops-hook.headers.Authorization.file: the "
                + "header value from file DIR/hook.token contains a line break or another control character");
        assertThat(String.join("\n", errors)).doesNotContain(HOOK_TOKEN, "S3CRET");
    }

    @Test
    void emptySecretFilesAreRejected() throws IOException {
        Files.writeString(dir.resolve("smtp.pw"), "\n");
        assertThat(errors(GOOD)).containsExactly(
                "DIR/channels.yml:14: channels.dba-mail.password_file: file is empty: DIR/smtp.pw");
    }

    @Test
    void caFileMustHoldPemCertificates() throws IOException {
        Files.writeString(dir.resolve("ca.pem"), "not a certificate\n");
        assertThat(errors(GOOD)).singleElement().asString()
                .startsWith("DIR/channels.yml:21: channels.dba-mail.ca_file: ");
        Files.writeString(dir.resolve("ca.pem"), "");
        assertThat(errors(GOOD)).containsExactly(
                "DIR/channels.yml:21: channels.dba-mail.ca_file: no PEM certificate in DIR/ca.pem");
        assertThat(errors(GOOD.replace("ca_file: ca.pem", "ca_file: ."))).containsExactly(
                "DIR/channels.yml:21: channels.dba-mail.ca_file: not a readable file: DIR");
    }

    @Test
    void channelNames() {
        assertThat(errors(GOOD.replace("  dba-mail:", "  DBA-Mail:").replace("[dba-mail]", "[am]")))
                .containsExactly("DIR/channels.yml:8: channels.DBA-Mail: expected a channel name of lower-case "
                        + "letters, digits, '-' and '_', at most 63 long and starting with a letter or digit");
        assertThat(errors(GOOD.replace("  am:", "  ops-hook:"))).containsExactly(
                "DIR/channels.yml:31: channels.ops-hook: duplicate key");
        assertThat(errors(GOOD + "  extra: webhook\n")).containsExactly(
                "DIR/channels.yml:37: channels.extra: expected a mapping of keys to values, found 'webhook'");
    }

    @Test
    void defaultsMustNameDefinedChannels() {
        assertThat(errors(GOOD.replace("[dba-mail]", "[dba-mail, pager]"))).containsExactly(
                "DIR/channels.yml:2: defaults.channels[1]: no channel named 'pager' (defined: dba-mail, ops-hook, am)");
        assertThat(errors(GOOD.replace("[dba-mail]", "[dba-mail, dba-mail]"))).containsExactly(
                "DIR/channels.yml:2: defaults.channels[1]: channel 'dba-mail' is listed twice");
        assertThat(errors("defaults: { channels: [x] }\nchannels: {}\n")).containsExactly(
                "DIR/channels.yml:1: defaults.channels[0]: no channel named 'x' (defined: none)");
    }

    @Test
    void fileLevelProblems() {
        assertThat(errors("delivery: { max_age: 1h }\n")).containsExactly(
                "DIR/channels.yml:1: channels: required key is missing (write channels: {} for none)");
        assertThat(errors("")).containsExactly("DIR/channels.yml: file is empty");
        assertThat(errors("channels: [a, b]\n")).containsExactly(
                "DIR/channels.yml:1: channels: expected a mapping of keys to values, found a list");
    }

    @Test
    void everyProblemIsReportedAtOnceAndNoSecretIsQuoted() {
        List<String> all = errors(GOOD.replace("port: 2525", "port: 0")
                .replace("format: generic", "format: x")
                .replace("[dba-mail]", "[nope]")
                .replace("{ env: AM_TOKEN }", "{ env: NOPE }"));
        assertThat(all).hasSize(4);
        assertThat(String.join("\n", all)).doesNotContain(SMTP_PASSWORD, HOOK_TOKEN, ENV_TOKEN);
    }

    @Test
    void aChannelWithErrorsIsLeftOutButOthersAreChecked() {
        List<String> all = errors(GOOD.replace("type: email", "type: pager")
                .replace("url: http://127.0.0.1:9093/", "url: gopher://x"));
        assertThat(all).containsExactly(
                "DIR/channels.yml:9: channels.dba-mail.type: expected email or webhook, found 'pager'",
                "DIR/channels.yml:33: channels.am.url: expected an http:// or https:// URL such as "
                        + "https://hooks.example.com/vipwatch");
    }
}
