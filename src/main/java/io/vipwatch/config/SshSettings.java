package io.vipwatch.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How vipwatch reaches the database hosts (and observers) over SSH. Key authentication only.
 *
 * @param strictHostKeys when true (the default) a host whose key is not in {@code knownHosts} is refused
 */
public record SshSettings(String user, int port, Path identityFile, Path knownHosts, boolean strictHostKeys,
                          Duration connectTimeout, Duration commandTimeout) {
    public SshSettings {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(identityFile, "identityFile");
        Objects.requireNonNull(knownHosts, "knownHosts");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(commandTimeout, "commandTimeout");
    }
}
