package io.vipwatch.repair;

import static org.assertj.core.api.Assertions.assertThat;

import io.vipwatch.config.InterfaceName;
import io.vipwatch.config.Ipv4;
import io.vipwatch.config.VipAddress;
import io.vipwatch.remote.CommandResult;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RepairCommandsTest {
    private static final Inet4Address IP = Ipv4.parse("198.51.100.100").orElseThrow();
    private static final VipAddress VIP = new VipAddress(IP, 25);
    private static final InterfaceName ETH0 = new InterfaceName("eth0");

    @Test
    void argvIsBuiltFromParsedValuesOnly() {
        assertThat(RepairCommands.linkShow(ETH0)).containsExactly("ip", "-o", "link", "show", "dev", "eth0");
        assertThat(RepairCommands.duplicateProbe(ETH0, IP, Duration.ofMillis(150))).containsExactly("timeout", "-s", "INT", "0.15", "arping",
                "-D", "-c", "2", "-w", "1", "-I", "eth0", "198.51.100.100");
        assertThat(RepairCommands.addVip(VIP, ETH0)).containsExactly("ip", "addr", "add", "198.51.100.100/25", "dev",
                "eth0");
        assertThat(RepairCommands.removeVip(VIP, ETH0)).containsExactly("ip", "addr", "del", "198.51.100.100/25",
                "dev", "eth0");
        assertThat(RepairCommands.gratuitous(ETH0, IP, true)).containsExactly("timeout", "-s", "INT", "0.2",
                "arping", "-q", "-c", "1", "-U", "-I", "eth0", "198.51.100.100");
        assertThat(RepairCommands.gratuitous(ETH0, IP, false)).contains("-A").doesNotContain("-U");
        assertThat(RepairCommands.deleteNeighbour(IP, ETH0)).containsExactly("ip", "neigh", "del", "198.51.100.100",
                "dev", "eth0");
    }

    @Test
    void aBurstIsOneShellLineReportingEveryPacketsExitStatus() {
        String line = RepairCommands.burstScript(List.of(RepairCommands.gratuitous(ETH0, IP, true),
                RepairCommands.gratuitous(ETH0, IP, false)));
        assertThat(line).isEqualTo("timeout -s INT 0.2 arping -q -c 1 -U -I eth0 198.51.100.100; echo vipwatch-rc=$?; "
                + "timeout -s INT 0.2 arping -q -c 1 -A -I eth0 198.51.100.100; echo vipwatch-rc=$?");
    }

    @Test
    void anAddStartsItsFirstGratuitousArpWithoutWaitingAndAnnouncesNothingWhenItFails() {
        assertThat(RepairCommands.addThenAnnounce(VIP, ETH0)).isEqualTo("ip addr add 198.51.100.100/25 dev eth0 "
                + "|| exit $?; timeout -s INT 0.2 arping -q -c 1 -U -I eth0 198.51.100.100 </dev/null >/dev/null 2>&1 &");
    }

    @Test
    void secondsAreWrittenTheWayTimeoutTakesThem() {
        assertThat(RepairCommands.seconds(Duration.ofMillis(300))).isEqualTo("0.3");
        assertThat(RepairCommands.seconds(Duration.ofMillis(1250))).isEqualTo("1.25");
        assertThat(RepairCommands.seconds(Duration.ofSeconds(2))).isEqualTo("2");
    }

    @Test
    void parsesWhatIpAndArpingPrint() {
        assertThat(GuardStep.replies("""
                ARPING 198.51.100.100 from 0.0.0.0 eth0
                Unicast reply from 198.51.100.100 [0A:F2:52:35:20:31]  0.543ms
                Sent 1 probes (1 broadcast(s))
                Received 1 response(s)
                """)).containsExactly("0a:f2:52:35:20:31");
        assertThat(GuardStep.replies("ARPING 198.51.100.100 from 0.0.0.0 eth0\nSent 1 probes\n")).isEmpty();
        assertThat(GuardStep.replies("Unicast reply from somewhere odd\n")).containsExactly("?");

        CommandResult up = result(0, "3: eth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 state UP", "");
        CommandResult noCarrier = result(0, "3: eth0: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 state DOWN", "");
        CommandResult adminDown = result(0, "3: eth0@if2: <BROADCAST,MULTICAST> mtu 1500 state DOWN", "");
        CommandResult missing = result(1, "", "Device \"eth0\" does not exist.\n");
        assertThat(CheckLinkStep.linkUp(up, ETH0)).contains(true);
        assertThat(CheckLinkStep.linkUp(noCarrier, ETH0)).contains(false);
        assertThat(CheckLinkStep.linkUp(adminDown, ETH0)).contains(false);
        assertThat(CheckLinkStep.linkUp(missing, ETH0)).contains(false);
        assertThat(CheckLinkStep.linkUp(result(255, "", "ssh: oops"), ETH0)).isEmpty();

        assertThat(AnnounceStep.allSent(result(0, "vipwatch-rc=124\nvipwatch-rc=0\n", ""), 2)).isTrue();
        assertThat(AnnounceStep.allSent(result(0, "vipwatch-rc=124\nvipwatch-rc=2\n", ""), 2)).isFalse();
        assertThat(AnnounceStep.allSent(result(0, "vipwatch-rc=124\n", ""), 2)).isFalse();
        assertThat(FlushStep.deleted(result(2, "", "RTNETLINK answers: No such file or directory\n"))).isTrue();
        assertThat(FlushStep.deleted(result(2, "", "RTNETLINK answers: Operation not permitted\n"))).isFalse();
    }

    private static CommandResult result(int exit, String out, String err) {
        return new CommandResult("db1", "x", CommandResult.Outcome.COMPLETED, exit, out, err, Duration.ZERO, "");
    }
}
