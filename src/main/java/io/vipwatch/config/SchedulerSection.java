package io.vipwatch.config;

import io.vipwatch.alert.ThisHost;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code scheduler:}. The DSN is parsed into host, port and database, each whitelisted; it takes no
 * parameters, because vipwatch sets the driver's timeouts itself and a pasted {@code ?socketTimeout=0} would
 * undo them.
 */
final class SchedulerSection {
    private static final Pattern DSN = Pattern.compile(
            "(?:jdbc:)?(?:mysql|mariadb)://([A-Za-z0-9][A-Za-z0-9.-]{0,252})(?::(\\d{1,5}))?/([A-Za-z0-9_]{1,64})");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}");
    private static final Set<String> JDBC_KEYS = Set.of("dsn", "user", "password_file", "password_env",
            "ssl_mode", "connect_timeout", "query_timeout", "name", "instance_id", "checkin_interval", "repair_lease");

    private SchedulerSection() {
    }

    static SchedulerSettings scheduler(YamlMap m, Path dir, Map<String, String> environment,
                                       List<ClusterConfig> clusters, ServiceSettings service,
                                       RepairSettings repairs) {
        Set<String> known = new java.util.HashSet<>(JDBC_KEYS);
        known.add("store");
        m.rejectUnknownKeys(known);
        String store = m.string("store", "memory");
        if (store.equals("memory")) {
            for (String key : JDBC_KEYS) {
                if (m.has(key)) {
                    m.error(key, "only with store: jdbc (the memory store keeps the schedule in this process)");
                }
            }
            return SchedulerSettings.MEMORY;
        }
        if (!store.equals("jdbc")) {
            m.error("store", "expected memory or jdbc, found '" + store + "'");
            return SchedulerSettings.MEMORY;
        }
        Optional<String[]> dsn = m.requiredParsed("dsn", SchedulerSection::dsn,
                "mysql://HOST[:PORT]/DATABASE, e.g. mysql://198.51.100.200:3306/vipwatch_jobs (no parameters: "
                        + "vipwatch sets the driver's timeouts itself)");
        dsn.ifPresent(d -> refuseWatchedVip(m, d[0], clusters));
        String sslMode = m.string("ssl_mode", "PREFERRED");
        if (!ConfigLoader.SSL_MODES.contains(sslMode)) {
            m.error("ssl_mode", "expected one of " + String.join(", ", ConfigLoader.SSL_MODES.stream().sorted()
                    .toList()) + ", found '" + sslMode + "'");
        }
        Secret password = ConfigLoader.password(m, dir, environment);
        String user = m.requiredString("user");
        Duration connect = m.duration("connect_timeout", Duration.ofSeconds(2), Duration.ofMillis(100),
                Duration.ofSeconds(30));
        Duration query = m.duration("query_timeout", Duration.ofSeconds(5), Duration.ofMillis(500),
                Duration.ofSeconds(60));
        String name = m.parsed("name", SchedulerSection::name, "letters, digits and _ . : - (at most 100)")
                .orElse("vipwatch");
        String instance = m.parsed("instance_id", SchedulerSection::name,
                "letters, digits and _ . : - (at most 100)").orElse(defaultInstanceId(service));
        Duration checkin = m.duration("checkin_interval", Duration.ofSeconds(2), Duration.ofMillis(500),
                Duration.ofMinutes(1));
        // A lease must outlast the longest single command it covers: each command renews it, then may take up
        // to step_timeout.
        Duration minimumLease = repairs.stepTimeout().plusSeconds(1);
        Duration lease = m.duration("repair_lease", maxOf(Duration.ofSeconds(10), minimumLease),
                Duration.ofSeconds(1), Duration.ofMinutes(10));
        if (lease.compareTo(minimumLease) < 0) {
            m.error("repair_lease", "must be at least repairs.step_timeout + 1s (" + minimumLease.toMillis()
                    + "ms): every command renews the lease and may then run for step_timeout");
        }
        SchedulerSettings.JobStore jobStore = new SchedulerSettings.JobStore(
                dsn.map(d -> d[0]).orElse("invalid"), dsn.map(d -> Integer.parseInt(d[1])).orElse(3306),
                dsn.map(d -> d[2]).orElse("invalid"), user, password, connect, query, sslMode);
        return new SchedulerSettings(SchedulerSettings.Store.JDBC, Optional.of(jobStore), name, instance, checkin,
                lease);
    }

    /** host, port, database; empty unless the whole text is a DSN with a valid port. */
    static Optional<String[]> dsn(String text) {
        Matcher m = DSN.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        int port = m.group(2) == null ? 3306 : Integer.parseInt(m.group(2));
        if (port < 1 || port > 65535) {
            return Optional.empty();
        }
        return Optional.of(new String[] {m.group(1), Integer.toString(port), m.group(3)});
    }

    private static Optional<String> name(String text) {
        return NAME.matcher(text).matches() ? Optional.of(text) : Optional.empty();
    }

    /**
     * The job store decides who may repair a VIP; if it sat behind a watched VIP, the fault being repaired would
     * cut vipwatch off from its own coordination, and every instance would stop repairing exactly then.
     */
    private static void refuseWatchedVip(YamlMap m, String host, List<ClusterConfig> clusters) {
        if (Ipv4.parse(host).isEmpty()) {
            return; // a name: checked again, resolved, when the service starts (JobStoreAddress)
        }
        for (ClusterConfig c : clusters) {
            for (VipConfig v : c.vips()) {
                if (v.address().ip().equals(host)) {
                    m.error("dsn", "the job store " + host + " is VIP " + v.name() + " of cluster " + c.name()
                            + ", which vipwatch watches: repairs of that VIP would cut vipwatch off from the "
                            + "database that grants them; put the job store on a host address");
                }
            }
        }
    }

    private static String defaultInstanceId(ServiceSettings service) {
        // the kernel's name, not a lookup: validating a config must not wait on DNS
        String host = ThisHost.name();
        String id = host.replaceAll("[^A-Za-z0-9_.:-]", "_") + ":" + service.listenPort();
        return id.length() > 100 ? id.substring(0, 100) : id;
    }

    private static Duration maxOf(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
