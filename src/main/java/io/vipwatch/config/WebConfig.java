package io.vipwatch.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * The status server's web config ({@code web_config:}), in the format of Prometheus' own exporters: TLS from PEM
 * files and basic-auth users with bcrypt hashes. Both optional; without the file the server speaks plain HTTP to
 * anyone who can reach {@code listen:} (loopback by default).
 *
 * @param tls   the server's TLS context, built (and so checked) at load
 * @param users user name → bcrypt hash; empty: no authentication
 */
public record WebConfig(Optional<Path> source, Optional<SSLContext> tls, Map<String, String> users) {
    public static final WebConfig NONE = new WebConfig(Optional.empty(), Optional.empty(), Map.of());

    public WebConfig {
        users = Map.copyOf(users);
    }

    @Override
    public String toString() {
        return "WebConfig(" + source.map(Path::toString).orElse("none") + ", tls=" + tls.isPresent() + ", users="
                + users.keySet() + ")";
    }
}
