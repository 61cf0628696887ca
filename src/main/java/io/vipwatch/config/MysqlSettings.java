package io.vipwatch.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How vipwatch logs in to MySQL/MariaDB, through the VIP and on each host's own address.
 *
 * @param connectTimeout TCP connect and login
 * @param queryTimeout   socket read timeout for the probe queries
 * @param sslMode        Connector/J {@code sslMode}: DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY
 */
public record MysqlSettings(String user, Secret password, int port, Duration connectTimeout, Duration queryTimeout,
                            String sslMode) {
    public MysqlSettings {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(queryTimeout, "queryTimeout");
        Objects.requireNonNull(sslMode, "sslMode");
    }
}
