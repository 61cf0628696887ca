package io.vipwatch.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vipwatch.config.InterfaceName;
import io.vipwatch.lab.Lab;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The in-process ARP prober on the lab's data net. Failsafe runs this JVM as root in the watchdog namespace, so
 * eth0 is the watchdog's data interface. (In this package rather than {@code lab}: ArpSocket is package-private.)
 */
class ArpSocketIT {
    private static final Duration WINDOW = Duration.ofMillis(150);
    /** A call still running after this never completes: its window is at most 2 s. */
    private static final long LIMIT_MS = 5_000;
    private static final Pattern ETHER = Pattern.compile("link/ether ([0-9a-f:]{17})");
    private static ArpSocket arp;
    private static String db1;
    private static String db2;

    @BeforeAll
    static void openOnTheDataNet() {
        Lab.heal();
        db1 = mac("db1");
        db2 = mac("db2");
        arp = ArpSocket.open(new InterfaceName("eth0"))
                .orElseThrow(() -> new AssertionError("no ARP socket on eth0: see the WARN line above"));
    }

    @AfterAll
    static void close() {
        if (arp != null) {
            arp.close();
        }
    }

    @Test
    void theHolderAnswersAlone() throws Exception {
        assertThat(await(arp.whoHas(ip(Lab.RW), WINDOW))).containsExactly(db1);
    }

    @Test
    void aSecondHolderAnswersToo() throws Exception {
        try {
            Lab.fault("vip-add", "db2", Lab.RW);
            assertThat(await(arp.whoHas(ip(Lab.RW), WINDOW))).containsExactlyInAnyOrder(db1, db2);
        } finally {
            Lab.heal();
        }
    }

    @Test
    void anAddressNobodyHoldsGetsNoMacAfterTheWindow() throws Exception {
        long start = System.nanoTime();
        List<String> macs = await(arp.whoHas(ip("198.51.100.120"), WINDOW));
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(macs).isEmpty();
        assertThat(elapsedMs).as("the call waits out its window").isGreaterThanOrEqualTo(WINDOW.toMillis());
    }

    @Test
    void aHundredConcurrentCallsEachGetTheirHolder() throws Exception {
        List<CompletableFuture<List<String>>> rw = new ArrayList<>();
        List<CompletableFuture<List<String>>> ro = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            rw.add(arp.whoHas(ip(Lab.RW), WINDOW));
            ro.add(arp.whoHas(ip(Lab.RO), WINDOW));
        }
        for (int i = 0; i < 50; i++) {
            assertThat(await(rw.get(i))).as("call %d for rw", i).containsExactly(db1);
            assertThat(await(ro.get(i))).as("call %d for ro", i).containsExactly(db2);
        }
    }

    @Test
    void closingFailsTheCallsInTheirWindowAndLaterCalls() throws Exception {
        ArpSocket own = ArpSocket.open(new InterfaceName("eth0")).orElseThrow();
        CompletableFuture<List<String>> waiting = own.whoHas(ip("198.51.100.120"), Duration.ofSeconds(2));
        own.close();
        own.close();
        assertThatThrownBy(() -> await(waiting)).hasCauseInstanceOf(IOException.class)
                .hasMessageContaining("198.51.100.120 on eth0: the ARP socket was closed");
        assertThatThrownBy(() -> await(own.whoHas(ip(Lab.RW), WINDOW))).hasCauseInstanceOf(IOException.class)
                .hasMessageContaining("the ARP socket is closed");
    }

    @Test
    void aMissingInterfaceIsNoSocket() {
        assertThat(ArpSocket.open(new InterfaceName("nosuch0"))).isEmpty();
    }

    private static List<String> await(CompletableFuture<List<String>> call) throws Exception {
        return call.get(LIMIT_MS, TimeUnit.MILLISECONDS);
    }

    /** A lab host's data MAC, as its namespace reports it. */
    private static String mac(String host) {
        Lab.Run r = Lab.run(List.of("ip", "-n", Lab.ns(host), "-o", "link", "show", "dev", "eth0"),
                Duration.ofSeconds(10));
        Matcher m = ETHER.matcher(r.stdout());
        assertThat(m.find()).as("MAC of %s in: %s %s", host, r.stdout(), r.stderr()).isTrue();
        return m.group(1);
    }

    private static Inet4Address ip(String dotted) throws IOException {
        return (Inet4Address) InetAddress.getByName(dotted);
    }
}
