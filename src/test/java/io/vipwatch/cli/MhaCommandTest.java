package io.vipwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vipwatch.repair.HandoverRequestTest;
import io.vipwatch.testing.ConfigFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code vipwatch mha}: MHA's calling convention, and the answers that need no host. What it does to hosts is tested
 * in the lab with the real MHA (MhaIT).
 */
class MhaCommandTest {
    private static final String CONFIG = HandoverRequestTest.CONFIG;

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
        assertThat(out).contains("the old master (198.51.100.199, db9) is no host of " + config)
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
        assertThat(out).contains("the new master (198.51.100.151, r1) is no host of cluster 'main'");
    }

    @Test
    void aClusterWithoutAVipFollowingTheMasterIsRefused() {
        assertThat(mha("--command=stop", "--orig_master_ip=198.51.100.142", "--vip=nosuch")).isEqualTo(1);
        assertThat(out).contains("cluster 'main' has no VIP named nosuch");
    }
}
