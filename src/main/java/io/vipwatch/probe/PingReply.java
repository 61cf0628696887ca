package io.vipwatch.probe;

/** One ICMP echo from the watchdog host to the VIP. {@code rttMs} is meaningful only when {@code ok}. */
public record PingReply(boolean ok, double rttMs, String detail) {
}
