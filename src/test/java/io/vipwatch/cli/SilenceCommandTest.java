package io.vipwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vipwatch.testing.ConfigFiles;
import io.vipwatch.testing.FakeClock;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code vipwatch silence} end to end, in process: a real config and state directory, a fake clock. */
class SilenceCommandTest {
    /** Sunday 2025-06-01, 12:00 in Berlin. */
    private static final Instant NOW = Instant.parse("2025-06-01T10:00:00Z");
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final Pattern ID = Pattern.compile("id      ([0-9a-f]{8})");
    private static final String CONFIG = """
            ssh:
              identity_file: id_ed25519
              known_hosts: known_hosts
            mysql:
              user: monitor
              password_file: mysql.pw
            state_dir: state
            clusters:
              - name: main
                hosts:
                  - { name: db1, address: 198.51.100.11, interface: eth0 }
                  - { name: db2, address: 198.51.100.12, interface: eth0 }
                vips:
                  - { name: rw, address: 198.51.100.100/24, expected_holder: db1 }
                  - { name: ro, address: 198.51.100.101/24 }
              - name: reports
                hosts:
                  - { name: r1, address: 198.51.100.21, interface: eth0 }
                vips:
                  - { name: rw, address: 198.51.100.120/24 }
            maintenance:
              - cluster: main
                cron: "0 0 2 ? * SUN"
                duration: 2h
                reason: weekly OS patching
                time_zone: Europe/Berlin
            """;

    @TempDir
    Path dir;

    private Path config;
    private final FakeClock clock = new FakeClock(NOW);
    private StringWriter out;
    private StringWriter err;

    @BeforeEach
    void files() throws IOException {
        ConfigFiles.create(dir, "id_ed25519", "pw");
        config = dir.resolve("vipwatch.yml");
        Files.writeString(config, CONFIG);
    }

    /** Runs {@code vipwatch silence ARGS -c CONFIG} with the fake clock, times shown in Berlin. */
    private int silence(String... args) {
        CommandLine cl = new CommandLine(new SilenceCommand(clock, BERLIN));
        cl.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.BAD_CONFIG);
        cl.getCommandSpec().exitCodeOnExecutionException(ExitCodes.INTERNAL);
        out = new StringWriter();
        err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        String[] withConfig = new String[args.length + 2];
        System.arraycopy(args, 0, withConfig, 0, args.length);
        withConfig[args.length] = "--config";
        withConfig[args.length + 1] = config.toString();
        return cl.execute(withConfig);
    }

    private String idOf(String addOutput) {
        Matcher m = ID.matcher(addOutput);
        assertThat(m.find()).as("an id in: %s", addOutput).isTrue();
        return m.group(1);
    }

    private Path stateFile() {
        return dir.resolve("state/silences.json").toAbsolutePath();
    }

    @Test
    void addPrintsTheSilenceAndWritesTheStateFile() throws Exception {
        assertThat(silence("add", "--cluster", "main", "--vip", "rw", "--for", "2h", "--reason", "MHA online switch"))
                .isZero();
        String id = idOf(out.toString());
        assertThat(out.toString()).isEqualTo("""
                Silenced main/rw for 2h: alerts held back, repairs suspended.
                  id      %s
                  until   2025-06-01 14:00:00 CEST (2025-06-01 12:00:00 UTC)
                  reason  MHA online switch
                End it early with: vipwatch silence expire %s
                """.formatted(id, id));
        assertThat(err.toString()).isEmpty();
        assertThat(Files.readString(stateFile())).contains("\"id\" : \"" + id + "\"", "\"cluster\" : \"main\"",
                "\"ends_at\" : \"2025-06-01T12:00:00Z\"", "\"created_by\" : \"");
    }

    @Test
    void listShowsActiveSilencesAndTheNextMaintenanceWindow() {
        assertThat(silence("add", "--cluster", "main", "--vip", "rw", "--for", "2h", "--reason", "MHA switch")).isZero();
        String rw = idOf(out.toString());
        clock.advance(Duration.ofMinutes(5));
        assertThat(silence("add", "--cluster", "reports", "--for", "90m", "--reason", "reindex")).isZero();
        String reports = idOf(out.toString());
        String user = System.getProperty("user.name");
        String by = System.getenv("SUDO_USER") == null || System.getenv("SUDO_USER").equals(user) ? user
                : System.getenv("SUDO_USER") + " (sudo " + user + ")";
        clock.advance(Duration.ofMinutes(5));

        assertThat(silence("list")).isZero();
        int width = Math.max(2, by.length()); // the BY column
        assertThat(out.toString()).isEqualTo(("""
                Silences in STATE (2 active):
                ID        SCOPE      STARTS                 ENDS                   REMAINING  BY%s REASON
                %s  main/rw    2025-06-01 12:00 CEST  2025-06-01 14:00 CEST  1h 50m     %s%sMHA switch
                %s  reports/*  2025-06-01 12:05 CEST  2025-06-01 13:35 CEST  1h 25m     %s%sreindex

                Maintenance windows in CONFIG:
                ID                  SCOPE   STARTS                 ENDS                   REMAINING         SCHEDULE                            REASON
                maintenance:main#0  main/*  2025-06-08 02:00 CEST  2025-06-08 04:00 CEST  starts in 6d 13h  0 0 2 ? * SUN Europe/Berlin for 2h  weekly OS patching
                """).formatted(" ".repeat(width - 2 + 1), rw, by, " ".repeat(width - by.length() + 2), reports, by,
                        " ".repeat(width - by.length() + 2))
                .replace("STATE", stateFile().toString()).replace("CONFIG", config.toAbsolutePath().toString()));
    }

    @Test
    void aSilenceDropsOutOfTheListWhenItEndsAndStaysInAll() {
        assertThat(silence("add", "--cluster", "main", "--for", "30m", "--reason", "short")).isZero();
        String id = idOf(out.toString());
        clock.advance(Duration.ofMinutes(30));
        assertThat(silence("list")).isZero();
        assertThat(out.toString()).startsWith("No active silences in " + stateFile() + ".\n").doesNotContain(id);
        assertThat(silence("list", "--all")).isZero();
        assertThat(out.toString()).contains(id + "  main/*", "ended", "short");
    }

    @Test
    void expireEndsItNowAndSaysSoWhenItWasAlreadyOver() {
        assertThat(silence("add", "--cluster", "main", "--for", "2h", "--reason", "switch")).isZero();
        String id = idOf(out.toString());
        clock.advance(Duration.ofMinutes(20));

        assertThat(silence("expire", id.toUpperCase())).isZero();
        assertThat(out.toString()).startsWith("Expired silence " + id + " (main/*, \"switch\", set by ")
                .contains("Alerts and repairs for main/* resume at the next probe cycle");
        assertThat(silence("list")).isZero();
        assertThat(out.toString()).startsWith("No active silences");
        assertThat(silence("list", "--all")).isZero();
        assertThat(out.toString()).contains(id, "2025-06-01 12:20 CEST", "expired");

        assertThat(silence("expire", id)).isZero();
        assertThat(out.toString()).isEqualTo("Silence " + id + " (main/*) had already ended at 2025-06-01 12:20:00 "
                + "CEST (2025-06-01 10:20:00 UTC); nothing changed.\n");
    }

    @Test
    void expiringAnUnknownIdIsAUsageError() {
        assertThat(silence("expire", "deadbeef")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("no silence with id 'deadbeef' in " + stateFile()
                + " (active: none; see vipwatch silence list --all)\n");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void listAsJson() throws Exception {
        assertThat(silence("add", "--cluster", "main", "--vip", "ro", "--for", "1h", "--reason", "r")).isZero();
        String id = idOf(out.toString());
        assertThat(silence("list", "--json")).isZero();
        JsonNode root = new ObjectMapper().readTree(out.toString());
        assertThat(root.path("now").asText()).isEqualTo("2025-06-01T10:00:00Z");
        JsonNode s = root.path("silences").get(0);
        assertThat(s.path("id").asText()).isEqualTo(id);
        assertThat(s.path("vip").asText()).isEqualTo("ro");
        assertThat(s.path("ends_at").asText()).isEqualTo("2025-06-01T11:00:00Z");
        assertThat(s.path("active").asBoolean()).isTrue();
        JsonNode m = root.path("maintenance").get(0);
        assertThat(m.path("id").asText()).isEqualTo("maintenance:main#0");
        assertThat(m.path("active").asBoolean()).isFalse();
        assertThat(m.path("starts_at").asText()).isEqualTo("2025-06-08T00:00:00Z");
        assertThat(m.path("ends_at").asText()).isEqualTo("2025-06-08T02:00:00Z");
        assertThat(m.path("duration").asText()).isEqualTo("2h");
    }

    @Test
    void anOpenMaintenanceWindowShowsWhenItCloses() {
        clock.advance(Duration.ofDays(7).minus(Duration.ofHours(9))); // Sunday 2025-06-08 03:00 CEST
        assertThat(silence("list")).isZero();
        assertThat(out.toString()).contains("maintenance:main#0  main/*  2025-06-08 02:00 CEST  2025-06-08 04:00 CEST  "
                + "1h 0m ");
    }

    @Test
    void namesTheValidClustersAndVips() {
        assertThat(silence("add", "--cluster", "mian", "--for", "2h", "--reason", "r")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("--cluster: no cluster 'mian' in " + config.toAbsolutePath()
                + " (clusters: main, reports)\n");
        assertThat(silence("add", "--cluster", "main", "--vip", "rx", "--for", "2h", "--reason", "r")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("--vip: cluster 'main' has no VIP 'rx' (VIPs: rw, ro; leave --vip out "
                + "to silence them all)\n");
        assertThat(stateFile()).doesNotExist();
    }

    @Test
    void boundsTheLengthAndNeedsAOneLineReason() {
        for (String bad : new String[] {"30s", "721h", "3d", "soon"}) {
            assertThat(silence("add", "--cluster", "main", "--for", bad, "--reason", "r")).as(bad).isEqualTo(2);
            assertThat(err.toString()).isEqualTo("--for: expected a duration from 1m to 720h such as 30m or 2h, found '"
                    + bad + "'\n");
        }
        assertThat(silence("add", "--cluster", "main", "--for", "720h", "--reason", "longest")).isZero();
        assertThat(silence("add", "--cluster", "main", "--for", "1h", "--reason", "two\nlines")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("--reason: expected one line of text, found 'two\\nlines'\n");
        assertThat(silence("add", "--cluster", "main", "--for", "1h")).isEqualTo(2);
        assertThat(err.toString()).startsWith("Missing required option: '--reason=TEXT'");
    }

    @Test
    void aBadConfigExitsTwoWithFileAndLine() throws Exception {
        Files.writeString(config, CONFIG.replace("state_dir: state", "state_dri: state"));
        assertThat(silence("list")).isEqualTo(2);
        assertThat(err.toString()).startsWith(config.toAbsolutePath() + ":7: state_dri: unknown key (expected one of ")
                .endsWith(")\n1 error(s); nothing was changed.\n");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void anUnwritableStateDirectoryExitsThreeAndSaysWhy() throws Exception {
        Files.writeString(dir.resolve("state"), "a file where the state directory should be");
        assertThat(silence("add", "--cluster", "main", "--for", "1h", "--reason", "r")).isEqualTo(3);
        assertThat(err.toString()).isEqualTo("silence add: " + dir.resolve("state").toAbsolutePath()
                + ": exists but is not a directory (state_dir)\n");
    }

    @Test
    void silenceAloneIsAUsageErrorNamingTheSubcommands() {
        CommandLine cl = Main.commandLine();
        StringWriter e = new StringWriter();
        cl.setErr(new PrintWriter(e, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        assertThat(cl.execute("silence")).isEqualTo(2);
        assertThat(e.toString()).startsWith("Missing required subcommand").contains("add", "list", "expire");
    }

    @Test
    void mainListsTheCommandAndItsHelp() {
        CommandLine cl = Main.commandLine();
        StringWriter o = new StringWriter();
        cl.setOut(new PrintWriter(o, true));
        assertThat(cl.execute("--help")).isZero();
        assertThat(o.toString()).contains("silence   Hold back alerts and suspend repairs");
        assertThat(cl.execute("silence", "add", "--help")).isZero();
        assertThat(o.toString()).contains("Usage: vipwatch silence add [-hV] [-c=FILE] --cluster=CLUSTER --for=DURATION",
                "--reason=TEXT [--vip=VIP]", "/etc/vipwatch/vipwatch.yml");
    }
}
