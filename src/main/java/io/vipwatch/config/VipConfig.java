package io.vipwatch.config;

import java.util.Objects;
import java.util.Optional;

/**
 * A virtual IP.
 *
 * @param expectedHolder the host that should carry it; empty when any single holder is fine
 */
public record VipConfig(String name, VipAddress address, Optional<String> expectedHolder) {
    public VipConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(expectedHolder, "expectedHolder");
    }
}
