package io.vipwatch.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Probe timing.
 *
 * @param interval    time between probe cycles of a VIP (used by the daemon; {@code check} runs one cycle)
 * @param pingTimeout how long ping waits for the echo reply
 * @param l2Window    how long the duplicate check listens for ARP replies; on a LAN every holder answers within
 *                    milliseconds, so a short window loses nothing and keeps the cycle fast
 * @param eventStreams keep an {@code ip -o monitor address} stream open to every host and start a VIP's cycle at
 *                     once when its address is added or deleted anywhere; polling stays as the safety net
 */
public record ProbeSettings(Duration interval, Duration pingTimeout, Duration l2Window, boolean eventStreams) {
    public ProbeSettings {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(pingTimeout, "pingTimeout");
        Objects.requireNonNull(l2Window, "l2Window");
    }
}
