package io.vipwatch.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.vipwatch.config.Config;
import io.vipwatch.config.ConfigLoader;
import io.vipwatch.config.HostConfig;
import io.vipwatch.config.MysqlSettings;
import io.vipwatch.config.Secret;
import io.vipwatch.remote.CommandResult;
import io.vipwatch.remote.Commands;
import io.vipwatch.remote.MysqlClient;
import io.vipwatch.remote.SshPool;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The remote layer in-process against the lab's real sshd and MariaDB. */
class RemoteIT {
    private static Config config;

    @BeforeAll
    static void load() throws Exception {
        Lab.heal();
        config = ConfigLoader.withSystemEnvironment().load(Lab.CONFIG);
    }

    private static HostConfig host(String name) {
        return config.clusters().get(0).host(name).orElseThrow();
    }

    @Test
    void oneSessionPerHostIsReusedAcrossCommands() throws Exception {
        try (SshPool pool = new SshPool(config.ssh())) {
            for (int i = 0; i < 5; i++) {
                CommandResult r = pool.exec(host("db1"), List.of("cat", "/proc/sys/kernel/hostname"), Duration.ofSeconds(3));
                assertThat(r.succeeded()).as(r.summary()).isTrue();
            }
            assertThat(pool.openSessions()).isEqualTo(1);
            pool.exec(host("db2"), List.of("true"), Duration.ofSeconds(3));
            assertThat(pool.openSessions()).isEqualTo(2);
        }
    }

    @Test
    void aCommandPastItsTimeoutIsCutAndTheSessionStaysUsable() throws Exception {
        try (SshPool pool = new SshPool(config.ssh())) {
            CommandResult slow = pool.exec(host("db1"), List.of("sleep", "5"), Duration.ofMillis(300));
            assertThat(slow.outcome()).isEqualTo(CommandResult.Outcome.TIMEOUT);
            assertThat(slow.elapsed()).isLessThan(Duration.ofSeconds(3));
            assertThat(slow.detail()).contains("300ms");
            CommandResult after = pool.exec(host("db1"), List.of("echo", "still here"), Duration.ofSeconds(3));
            assertThat(after.stdout()).isEqualTo("still here\n");
        }
    }

    @Test
    void ipLinesRunInOneLongLivedBatchAndAnswerAsIpOnItsOwnWould() throws Exception {
        try (SshPool pool = new SshPool(config.ssh())) {
            CommandResult viaExec = pool.execScript(host("db1"), "LC_ALL=C ip addr show", Duration.ofSeconds(3));
            CommandResult first = pool.ip(host("db1"), Commands.INTERFACES, Duration.ofSeconds(3));
            assertThat(first.succeeded()).as(first.summary()).isTrue();
            assertThat(first.stdout()).isEqualTo(viaExec.stdout()).contains("inet ");
            String batch = batchPid(pool, "db1");
            CommandResult second = pool.ip(host("db1"), Commands.INTERFACES, Duration.ofSeconds(3));
            assertThat(second.stdout()).isEqualTo(viaExec.stdout());
            assertThat(batchPid(pool, "db1")).as("the same ip process answered both").isEqualTo(batch);
            CommandResult failed = pool.ip(host("db1"), "addr show dev nosuchdev0", Duration.ofSeconds(3));
            assertThat(failed.outcome()).isEqualTo(CommandResult.Outcome.COMPLETED);
            assertThat(failed.exitCode()).isEqualTo(1);
            assertThat(failed.stdout()).contains("nosuchdev0");
            assertThat(pool.ip(host("db1"), Commands.INTERFACES, Duration.ofSeconds(3)).stdout())
                    .as("nothing of the failure spills into the next answer").isEqualTo(viaExec.stdout());
        }
    }

    @Test
    void anAnswerPastItsTimeoutClosesTheBatchAndTheNextLineGetsAFreshOne() throws Exception {
        try (SshPool pool = new SshPool(config.ssh())) {
            CommandResult before = pool.ip(host("db2"), Commands.INTERFACES, Duration.ofSeconds(3));
            String batch = batchPid(pool, "db2");
            // A frozen ip is a hung host in small: it reads the line and never answers.
            pool.execScript(host("db2"), "kill -STOP " + batch, Duration.ofSeconds(3));
            try {
                CommandResult slow = pool.ip(host("db2"), Commands.INTERFACES, Duration.ofMillis(300));
                assertThat(slow.outcome()).isEqualTo(CommandResult.Outcome.TIMEOUT);
                assertThat(slow.detail()).contains("300ms");
                CommandResult after = pool.ip(host("db2"), Commands.INTERFACES, Duration.ofSeconds(3));
                assertThat(after.succeeded()).as(after.summary()).isTrue();
                assertThat(after.stdout()).isEqualTo(before.stdout());
                assertThat(batchPid(pool, "db2")).as("a new batch").isNotEqualTo(batch);
            } finally {
                // Its stdin is closed: once thawed it reads end-of-file and exits.
                pool.execScript(host("db2"), "kill -CONT " + batch, Duration.ofSeconds(3));
            }
        }
    }

    /** The pid of the session's live ip batch: a child of the same sshd session process as this exec's shell. */
    private static String batchPid(SshPool pool, String host) {
        CommandResult r = pool.execScript(host(host),
                "for p in $(pgrep -P $PPID -x ip); do case $(ps -o stat= -p $p) in T*) ;; *) echo $p;; esac; done",
                Duration.ofSeconds(3));
        assertThat(r.stdout().lines().toList()).as(r.summary()).hasSize(1);
        return r.stdout().strip();
    }

    @Test
    void exitCodesAndStderrComeBack() throws Exception {
        try (SshPool pool = new SshPool(config.ssh())) {
            CommandResult r = pool.exec(host("db3"), List.of("ls", "/nonexistent-vipwatch"), Duration.ofSeconds(3));
            assertThat(r.outcome()).isEqualTo(CommandResult.Outcome.COMPLETED);
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.stderr()).contains("No such file");
        }
    }

    @Test
    void aSessionBrokenByAnSshdRestartIsReopened() throws Exception {
        try (SshPool pool = new SshPool(config.ssh())) {
            assertThat(pool.exec(host("db3"), List.of("true"), Duration.ofSeconds(3)).succeeded()).isTrue();
            Lab.fault("sshd-stop", "db3", "--sessions"); // also ends the open session, as a reboot would
            CommandResult down = pool.exec(host("db3"), List.of("true"), Duration.ofSeconds(3));
            assertThat(down.outcome()).isEqualTo(CommandResult.Outcome.ERROR);
            Lab.fault("sshd-start", "db3");
            CommandResult back = pool.exec(host("db3"), List.of("true"), Duration.ofSeconds(3));
            assertThat(back.succeeded()).as(back.summary()).isTrue();
        } finally {
            Lab.heal();
        }
    }

    @Test
    void eachServerHasItsOwnIdentity() {
        MysqlClient client = new MysqlClient(config.mysql());
        MysqlClient.Answer db1 = client.ask(host("db1").ip(), true);
        MysqlClient.Answer db2 = client.ask(host("db2").ip(), true);
        assertThat(db1.ok()).as(String.valueOf(db1.error())).isTrue();
        assertThat(db1.identity()).isEqualTo("server_id=1");
        assertThat(db1.master()).as("db1 is writable and replicates from nobody").isTrue();
        assertThat(db2.identity()).isEqualTo("server_id=2");
        MysqlClient.Answer viaVip = client.ask(Lab.RW, false);
        assertThat(viaVip.identity()).isEqualTo(db1.identity());
        assertThat(viaVip.readOnly()).as("the role is not asked through a VIP").isNull();
    }

    @Test
    void aRefusedLoginIsReportedWithoutThePassword() {
        MysqlSettings m = config.mysql();
        String wrong = "wrong-Pa55-" + System.nanoTime();
        MysqlClient client = new MysqlClient(new MysqlSettings(m.user(), new Secret(wrong, "test"), m.port(),
                m.connectTimeout(), m.queryTimeout(), m.sslMode()));
        MysqlClient.Answer a = client.ask(host("db1").ip(), true);
        assertThat(a.ok()).isFalse();
        assertThat(a.error()).contains("1045").doesNotContain(wrong);
    }
}
