package io.vipwatch.probe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Whether the in-process echo may be used: only with CAP_NET_RAW (else the JDK would try TCP port 7). */
class IcmpEchoTest {
    @Test
    void rootsCapabilitiesIncludeNetRaw() {
        assertThat(IcmpEcho.mayOpenRawSockets("Name:\tjava\nCapInh:\t0000000000000000\nCapEff:\t000001ffffffffff\n"))
                .isTrue();
    }

    @Test
    void anUnprivilegedServiceUsesThePingCommand() {
        assertThat(IcmpEcho.mayOpenRawSockets("CapEff:\t0000000000000000\n")).isFalse();
        assertThat(IcmpEcho.mayOpenRawSockets("CapEff:\t0000000000001000\n")).isFalse();  // CAP_NET_ADMIN (12) only
        assertThat(IcmpEcho.mayOpenRawSockets("CapEff:\t0000000000002000\n")).isTrue();   // CAP_NET_RAW (13)
        assertThat(IcmpEcho.mayOpenRawSockets("no such line")).isFalse();
        assertThat(IcmpEcho.mayOpenRawSockets("CapEff:\tzz\n")).isFalse();
    }
}
