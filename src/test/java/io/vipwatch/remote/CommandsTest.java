package io.vipwatch.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vipwatch.config.InterfaceName;
import io.vipwatch.config.Ipv4;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandsTest {
    private static final Inet4Address VIP = Ipv4.parse("198.51.100.100").orElseThrow();

    @Test
    void buildsArgvFromParsedValues() {
        assertThat(Commands.ping(VIP, Duration.ofMillis(500)))
                .containsExactly("ping", "-n", "-c", "1", "-W", "0.500", "198.51.100.100");
        assertThat(Commands.ping(VIP, Duration.ofSeconds(2))).contains("2");
        assertThat(Commands.NEIGHBOURS).containsExactly("ip", "-4", "neigh", "show");
        assertThat(Commands.arpWhoHas(new InterfaceName("eth0"), VIP, Duration.ofMillis(300))).containsExactly(
                "timeout", "-s", "INT", "0.300", "arping", "-c", "2", "-w", "1", "-I", "eth0", "198.51.100.100");
    }

    @Test
    void interfaceNamesThatCouldBeShellOrOptionsCannotExist() {
        for (String bad : List.of("eth0;reboot", "eth0 x", "$(id)", "-I", "", "a'b", "eth0|sh", "0123456789abcdef")) {
            assertThat(InterfaceName.isValid(bad)).as(bad).isFalse();
            assertThatThrownBy(() -> new InterfaceName(bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void addressesAreStrictDottedQuads() {
        for (String bad : List.of("198.51.100.256", "198.51.100", "0x7f.0.0.1", "198.051.100.1", "localhost",
                "198.51.100.1;reboot", " 198.51.100.1", "198.51.100.1/24")) {
            assertThat(Ipv4.parse(bad)).as(bad).isEmpty();
        }
        assertThat(Ipv4.parse("198.51.100.0")).map(Inet4Address::getHostAddress).contains("198.51.100.0");
    }

    @Test
    void quotesAnythingUnusualForTheRemoteShell() {
        assertThat(ShellWords.join(List.of("ip", "neigh", "show", "to", "198.51.100.100")))
                .isEqualTo("ip neigh show to 198.51.100.100");
        assertThat(ShellWords.join(List.of("echo", "a;reboot", "it's"))).isEqualTo("echo 'a;reboot' 'it'\\''s'");
        assertThat(ShellWords.join(List.of("echo", ""))).isEqualTo("echo ''");
    }

    @Test
    void localExecReportsExitCodesTimeoutsAndMissingPrograms() {
        LocalExec exec = new LocalExec();
        CommandResult ok = exec.run(List.of("sh", "-c", "echo hello; echo oops >&2; exit 3"), Duration.ofSeconds(5));
        assertThat(ok.outcome()).isEqualTo(CommandResult.Outcome.COMPLETED);
        assertThat(ok.exitCode()).isEqualTo(3);
        assertThat(ok.stdout()).isEqualTo("hello\n");
        assertThat(ok.stderr()).isEqualTo("oops\n");

        CommandResult slow = exec.run(List.of("sleep", "5"), Duration.ofMillis(200));
        assertThat(slow.outcome()).isEqualTo(CommandResult.Outcome.TIMEOUT);
        assertThat(slow.elapsed()).isLessThan(Duration.ofSeconds(4));
        assertThat(slow.detail()).contains("200ms");

        // A child that keeps the output pipe open dies with its parent at the deadline: the read does not hang.
        CommandResult child = exec.run(List.of("sh", "-c", "sleep 30 & sleep 30"), Duration.ofMillis(300));
        assertThat(child.outcome()).isEqualTo(CommandResult.Outcome.TIMEOUT);
        assertThat(child.elapsed()).isLessThan(Duration.ofSeconds(4));

        CommandResult missing = exec.run(List.of("/nonexistent/vipwatch-test-binary"), Duration.ofSeconds(1));
        assertThat(missing.outcome()).isEqualTo(CommandResult.Outcome.ERROR);
        assertThat(missing.summary()).contains("/nonexistent/vipwatch-test-binary");
    }

    @Test
    void argumentsReachTheProcessVerbatimWithoutAShell() {
        CommandResult r = new LocalExec().run(List.of("printf", "%s|", "a;b", "$(id)", "x y"), Duration.ofSeconds(5));
        assertThat(r.stdout()).isEqualTo("a;b|$(id)|x y|");
    }
}
