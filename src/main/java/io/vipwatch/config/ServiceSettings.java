package io.vipwatch.config;

import java.net.Inet4Address;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The long-running service's own settings.
 *
 * @param listenAddress where the status API listens (loopback by default)
 * @param auditLog      the JSON-lines file every repair step is appended to
 * @param web           TLS and basic auth of the status server ({@code web_config:}), or {@link WebConfig#NONE}
 */
public record ServiceSettings(Inet4Address listenAddress, int listenPort, Path auditLog, WebConfig web) {
    public ServiceSettings {
        Objects.requireNonNull(listenAddress, "listenAddress");
        Objects.requireNonNull(auditLog, "auditLog");
        Objects.requireNonNull(web, "web");
    }
}
