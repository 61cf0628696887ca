package io.vipwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vipwatch.config.ConfigLoader;
import io.vipwatch.testing.ConfigFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code vipwatch mha}: MHA's calling convention, and the answers that need no host. What it does to hosts is tested
 * in the lab with the real MHA (MhaIT).
 */
class MhaCommandTest {
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
                  - { name: db1, address: 198.51.100.141, interface: eth0 }
                  - { name: db2, address: 198.51.100.142, interface: eth0 }
                vips:
                  - { name: rw, address: 198.51.100.100/25, expected_holder: writable }
                  - { name: ro, address: 198.51.100.101/25, expected_holder: db2 }
                  - { name: any, address: 198.51.100.102/25 }
              - name: reports
                hosts:
                  - { name: r1, address: 198.51.100.151, interface: eth0 }
                vips:
                  - { name: rw, address: 198.51.100.120/25, expected_holder: r1 }
            """;

    @TempDir
    Path dir;

    private Path config;
    private String out;

    @BeforeEach
    void files() throws IOException {
        ConfigFiles.create(dir, "id_ed25519", "pw");
        config = dir.resolve("vipwatch.yml");
        Files.writeString(config, CONFIG);
    }

    private int mha(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter o = new StringWriter();
        cl.setOut(new PrintWriter(o));
        cl.setErr(new PrintWriter(o));
        String[] all = new String[args.length + 3];
        all[0] = "mha";
        all[1] = "-c";
        all[2] = config.toString();
        System.arraycopy(args, 0, all, 3, args.length);
        int code = cl.execute(all);
        out = o.toString();
        return code;
    }

    @Test
    void anUnknownOldMasterAbortsAndNoPasswordIsEverPrinted() {
        int code = mha("--orig_master_host=db9", "--orig_master_ip=198.51.100.199", "--orig_master_port=3306",
                "--command=stopssh", "--ssh_user=root", "--orig_master_password=s3cr3t-one",
                "--new_master_password=s3cr3t-two", "--ssh_options=-o ConnectTimeout=5");
        assertThat(code).isEqualTo(1);
        assertThat(out).contains("the old master (--orig_master_ip=198.51.100.199, --orig_master_host=db9) is no host")
                .doesNotContain("s3cr3t");
    }

    @Test
    void unknownOptionsAreToleratedWithAWarningThatNamesThemOnly() {
        int code = mha("--command=status", "--orig_master_ip=198.51.100.199", "--some_future_option=token-123",
                "--another_password=hunter2");
        assertThat(code).as(out).isEqualTo(1); // the host is unknown; the options did not stop the parse
        assertThat(out).contains("ignoring an option vipwatch does not know: --some_future_option",
                "ignoring an option vipwatch does not know: --another_password").doesNotContain("token-123", "hunter2");
    }

    @Test
    void anUnknownCommandOrAMissingOneIsAUsageError() {
        assertThat(mha("--command=restart", "--orig_master_ip=198.51.100.141")).isEqualTo(2);
        assertThat(out).contains("--command must be status, stop, stopssh or start, not 'restart'");
        assertThat(mha("--orig_master_ip=198.51.100.141")).isEqualTo(2);
        assertThat(out).contains("--command");
    }

    @Test
    void aBadTimeoutOrABadConfigChangesNothingAndSaysWhy() throws IOException {
        assertThat(mha("--command=status", "--orig_master_ip=198.51.100.141", "--timeout=soon")).isEqualTo(2);
        assertThat(out).contains("--timeout takes a duration such as 20s or 1m, not 'soon'");
        Files.writeString(config, CONFIG.replace("expected_holder: db2", "expected_holder: db7"));
        assertThat(mha("--command=status", "--orig_master_ip=198.51.100.141")).isEqualTo(2);
        assertThat(out).contains(config + ":").contains("expected_holder");
    }

    @Test
    void startNeedsANewMasterOfTheSameCluster() {
        assertThat(mha("--command=start", "--orig_master_ip=198.51.100.141", "--new_master_ip=198.51.100.151",
                "--new_master_host=r1")).isEqualTo(1);
        assertThat(out).contains("the new master (--new_master_ip=198.51.100.151, --new_master_host=r1) is no host of "
                + "cluster 'main'");
    }

    @Test
    void aClusterWithoutAVipFollowingTheMasterIsRefused() {
        assertThat(mha("--command=stop", "--orig_master_ip=198.51.100.142", "--vip=nosuch")).isEqualTo(1);
        assertThat(out).contains("no VIP of cluster 'main' follows the master");
    }

    @Test
    void hostsAreMatchedByAddressFirstThenByName() throws Exception {
        var cfg = new ConfigLoader(Map.of()).load(config);
        assertThat(MhaCommand.match(cfg, "198.51.100.142", "db1")).get()
                .extracting(m -> m.host().name()).isEqualTo("db2");
        assertThat(MhaCommand.match(cfg, "10.0.0.1", "r1")).get().extracting(m -> m.cluster().name())
                .isEqualTo("reports");
        assertThat(MhaCommand.match(cfg, null, "")).isEmpty();
    }

    @Test
    void theVipsThatFollowTheMasterAreTheWritableOnesAndTheOnesItStaticallyHolds() throws Exception {
        var cfg = new ConfigLoader(Map.of()).load(config);
        var main = cfg.clusters().get(0);
        assertThat(io.vipwatch.repair.Handover.followingMaster(main, main.hosts().get(0)))
                .extracting(v -> v.name()).containsExactly("rw");
        assertThat(io.vipwatch.repair.Handover.followingMaster(main, main.hosts().get(1)))
                .extracting(v -> v.name()).containsExactly("rw", "ro");
    }
}
