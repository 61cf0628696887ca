package io.vipwatch.probe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The lines of {@code ip -o monitor address} (iproute2 6.1, as in the lab) and what they mean. */
class AddressEventsTest {
    @Test
    void additionsAndDeletionsOfIpv4AddressesAreRecognised() {
        assertThat(AddressEvents.Event.parse("2: eth0    inet 198.51.100.100/25 scope global secondary eth0\\"
                + "       valid_lft forever preferred_lft forever"))
                .hasValue(new AddressEvents.Event(true, "eth0", "198.51.100.100", 25));
        assertThat(AddressEvents.Event.parse("Deleted 2: eth0    inet 198.51.100.100/25 scope global secondary eth0\\"
                + "       valid_lft forever preferred_lft forever"))
                .hasValue(new AddressEvents.Event(false, "eth0", "198.51.100.100", 25));
        assertThat(AddressEvents.Event.parse("[ADDR]Deleted 7: eth2    inet 198.51.100.101/32 scope global eth2"))
                .hasValue(new AddressEvents.Event(false, "eth2", "198.51.100.101", 32));
    }

    @Test
    void otherLinesAreIgnored() {
        assertThat(AddressEvents.Event.parse("2: eth0    inet6 fe80::ff:fe00:b/64 scope link \\       valid_lft "
                + "forever preferred_lft forever")).isEmpty();
        assertThat(AddressEvents.Event.parse("Deleted 2: eth0    inet 198.51.100.1000/25")).isEmpty();
        assertThat(AddressEvents.Event.parse("")).isEmpty();
        assertThat(AddressEvents.Event.parse("garbage inet 198.51.100.100/25")).isEmpty();
    }
}
