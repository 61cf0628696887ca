package io.vipwatch.config;

import java.io.IOException;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Loads and validates {@code vipwatch.yml}. Every problem is collected and reported together, each as
 * {@code FILE:LINE: key: message}; nothing is silently corrected. Relative paths resolve against the config file's
 * directory. Secrets are read here, once, so a missing password file fails at load and not at 3 a.m.
 */
public final class ConfigLoader {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    private static final Set<String> SSL_MODES = Set.of("DISABLED", "PREFERRED", "REQUIRED", "VERIFY_CA",
            "VERIFY_IDENTITY");
    private static final Duration MS_100 = Duration.ofMillis(100);

    private final Map<String, String> environment;

    /** @param environment where {@code password_env} looks up variables (the process environment in production) */
    public ConfigLoader(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    public static ConfigLoader withSystemEnvironment() {
        return new ConfigLoader(System.getenv());
    }

    public Config load(Path file) throws ConfigException {
        Path source = file.toAbsolutePath().normalize();
        List<ConfigError> found = new ArrayList<>();
        YamlErrors errors = new YamlErrors(source, found);
        Optional<Node> root = errors.compose();
        if (root.isEmpty()) {
            throw new ConfigException(found);
        }
        YamlMap top = YamlMap.of(errors, "", root.get());
        top.rejectUnknownKeys(Set.of("ssh", "mysql", "probes", "rules", "clusters", "listen", "audit_log", "repairs"));
        Path dir = source.getParent();

        SshSettings ssh = ssh(top.map("ssh"), dir);
        MysqlSettings mysql = mysql(top.map("mysql"), dir);
        ProbeSettings probes = probes(top.map("probes"));
        Optional<Path> rules = top.optionalString("rules").map(dir::resolve);
        rules.ifPresent(p -> {
            if (!Files.exists(p)) {
                top.error("rules", "no such file or directory: " + p);
            }
        });
        if (!top.has("clusters")) {
            top.error("clusters", "required key is missing: list at least one cluster");
        }
        List<ClusterConfig> clusters = clusters(top);
        ServiceSettings service = ServiceSections.service(top, dir);
        RepairSettings repairs = ServiceSections.repairs(top.map("repairs"));
        if (!found.isEmpty()) {
            throw new ConfigException(found);
        }
        return new Config(source, ssh, mysql, probes, rules, clusters, service, repairs);
    }

    private SshSettings ssh(YamlMap m, Path dir) {
        m.rejectUnknownKeys(Set.of("user", "port", "identity_file", "known_hosts", "strict_host_keys",
                "connect_timeout", "command_timeout"));
        boolean strict = m.bool("strict_host_keys", true);
        Path identity = readableFile(m, "identity_file", dir, true);
        Path knownHosts = m.has("known_hosts")
                ? readableFile(m, "known_hosts", dir, strict)
                : Path.of(System.getProperty("user.home"), ".ssh", "known_hosts");
        return new SshSettings(
                m.string("user", "root"),
                m.integer("port", 22, 1, 65535),
                identity,
                knownHosts,
                strict,
                m.duration("connect_timeout", Duration.ofSeconds(2), MS_100, Duration.ofSeconds(60)),
                m.duration("command_timeout", Duration.ofSeconds(3), MS_100, Duration.ofMinutes(5)));
    }

    private MysqlSettings mysql(YamlMap m, Path dir) {
        m.rejectUnknownKeys(Set.of("user", "password_file", "password_env", "port", "connect_timeout",
                "query_timeout", "ssl_mode"));
        String sslMode = m.string("ssl_mode", "PREFERRED");
        if (!SSL_MODES.contains(sslMode)) {
            m.error("ssl_mode", "expected one of " + String.join(", ", SSL_MODES.stream().sorted().toList())
                    + ", found '" + sslMode + "'");
        }
        return new MysqlSettings(
                m.requiredString("user"),
                secret(m, dir),
                m.integer("port", 3306, 1, 65535),
                m.duration("connect_timeout", Duration.ofSeconds(1), MS_100, Duration.ofSeconds(60)),
                m.duration("query_timeout", Duration.ofSeconds(2), MS_100, Duration.ofMinutes(5)),
                sslMode);
    }

    private Secret secret(YamlMap m, Path dir) {
        boolean file = m.has("password_file");
        boolean env = m.has("password_env");
        if (file && env) {
            m.error("password_env", "set either password_file or password_env, not both");
        } else if (file) {
            Path p = readableFile(m, "password_file", dir, true);
            try {
                return new Secret(stripNewline(Files.readString(p, StandardCharsets.UTF_8)), "file " + p);
            } catch (IOException e) {
                // already reported by readableFile
            }
        } else if (env) {
            String name = m.string("password_env", "");
            String value = environment.get(name);
            if (value == null) {
                m.error("password_env", "environment variable '" + name + "' is not set");
            } else {
                return new Secret(value, "environment variable " + name);
            }
        } else {
            m.error("password_file", "required: set password_file or password_env");
        }
        return new Secret("", "nowhere");
    }

    private static String stripNewline(String s) {
        return s.endsWith("\r\n") ? s.substring(0, s.length() - 2) : s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }

    private ProbeSettings probes(YamlMap m) {
        m.rejectUnknownKeys(Set.of("interval", "ping_timeout", "l2_window"));
        return new ProbeSettings(
                m.duration("interval", Duration.ofSeconds(5), MS_100, Duration.ofHours(1)),
                m.duration("ping_timeout", Duration.ofSeconds(1), MS_100, Duration.ofSeconds(30)),
                m.duration("l2_window", Duration.ofMillis(300), MS_100, Duration.ofSeconds(10)));
    }

    private List<ClusterConfig> clusters(YamlMap top) {
        List<ClusterConfig> clusters = new ArrayList<>();
        Set<String> clusterNames = new HashSet<>();
        Set<String> vipAddresses = new HashSet<>();
        for (YamlMap c : top.list("clusters")) {
            c.rejectUnknownKeys(Set.of("name", "hosts", "vips", "observers"));
            String name = name(c, "name", clusterNames, "cluster");
            // Names of invalid hosts count too: a bad address on db1 must not also make "expected_holder: db1" fail.
            Set<String> hostNames = new java.util.LinkedHashSet<>();
            List<HostConfig> hosts = hosts(c, "hosts", true, hostNames);
            List<HostConfig> observers = hosts(c, "observers", false, new HashSet<>());
            List<VipConfig> vips = vips(c, name, hostNames, vipAddresses);
            clusters.add(new ClusterConfig(name, hosts, vips, observers));
        }
        return clusters;
    }

    private List<VipConfig> vips(YamlMap cluster, String clusterName, Set<String> hostNames, Set<String> vipAddresses) {
        List<YamlMap> maps = cluster.list("vips");
        if (maps.isEmpty()) {
            cluster.error("vips", "list at least one VIP");
        }
        List<VipConfig> vips = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (YamlMap v : maps) {
            v.rejectUnknownKeys(Set.of("name", "address", "expected_holder", "interval", "cron", "dry_run"));
            String name = name(v, "name", names, "VIP");
            Optional<VipAddress> address = v.requiredParsed("address", ConfigLoader::vipAddress,
                    "an IPv4 address with prefix length such as 192.168.1.100/24");
            address.ifPresent(a -> {
                if (!vipAddresses.add(a.ip())) {
                    v.error("address", "VIP address " + a.ip() + " is listed more than once");
                }
            });
            HolderPolicy policy = policy(v, clusterName, hostNames);
            Optional<Duration> interval = v.has("interval")
                    ? Optional.of(v.duration("interval", Duration.ofSeconds(5), MS_100, Duration.ofHours(1)))
                    : Optional.empty();
            Optional<String> cron = v.optionalString("cron");
            cron.ifPresent(c -> {
                if (interval.isPresent()) {
                    v.error("cron", "set either interval or cron, not both");
                } else if (!org.quartz.CronExpression.isValidExpression(c)) {
                    v.error("cron", "not a Quartz cron expression (seconds minutes hours day-of-month month "
                            + "day-of-week, e.g. '0/5 * * * * ?'): '" + c + "'");
                }
            });
            boolean dryRun = v.bool("dry_run", false);
            if (address.isPresent() && !(interval.isPresent() && cron.isPresent())) {
                vips.add(new VipConfig(name, address.get(), policy, interval, cron, dryRun));
            }
        }
        return vips;
    }

    /** {@code expected_holder}: a host of the cluster, {@code writable}, or {@code any} (also when absent). */
    private static HolderPolicy policy(YamlMap v, String clusterName, Set<String> hostNames) {
        Optional<String> expected = v.optionalString("expected_holder");
        if (expected.isEmpty() || expected.get().equals(HolderPolicy.ANY_WORD)) {
            return HolderPolicy.any();
        }
        if (expected.get().equals(HolderPolicy.WRITABLE_WORD)) {
            return HolderPolicy.writable();
        }
        if (!hostNames.contains(expected.get())) {
            v.error("expected_holder", "names no host of cluster '" + clusterName + "' (hosts: "
                    + String.join(", ", hostNames) + "; or 'writable', or 'any')");
        }
        return HolderPolicy.of(expected.get());
    }

    private List<HostConfig> hosts(YamlMap cluster, String key, boolean required, Set<String> names) {
        List<YamlMap> maps = cluster.list(key);
        if (required && maps.isEmpty()) {
            cluster.error(key, "list at least one host");
        }
        List<HostConfig> hosts = new ArrayList<>();
        Set<String> addresses = new HashSet<>();
        for (YamlMap h : maps) {
            h.rejectUnknownKeys(Set.of("name", "address", "interface", "fallback_interface"));
            String name = name(h, "name", names, "host");
            if (name.equals(HolderPolicy.ANY_WORD) || name.equals(HolderPolicy.WRITABLE_WORD)) {
                h.error("name", "'" + name + "' is reserved for expected_holder: choose another host name");
            }
            Optional<Inet4Address> address = h.requiredParsed("address", Ipv4::parse,
                    "an IPv4 address such as 192.168.1.11");
            address.ifPresent(a -> {
                if (!addresses.add(a.getHostAddress())) {
                    h.error("address", "address " + a.getHostAddress() + " is used by another host of this list");
                }
            });
            Optional<InterfaceName> iface = h.requiredParsed("interface", ConfigLoader::interfaceName,
                    "an interface name of 1-15 characters from [A-Za-z0-9_.:@-], not starting with '-'");
            Optional<InterfaceName> fallback = h.parsed("fallback_interface", ConfigLoader::interfaceName,
                    "an interface name of 1-15 characters from [A-Za-z0-9_.:@-], not starting with '-'");
            fallback.ifPresent(f -> {
                if (f.equals(iface.orElse(null))) {
                    h.error("fallback_interface", "is the same as interface '" + f + "'");
                }
            });
            if (address.isPresent() && iface.isPresent()) {
                hosts.add(new HostConfig(name, address.get(), iface.get(), fallback));
            }
        }
        return hosts;
    }

    private static String name(YamlMap m, String key, Set<String> seen, String what) {
        String name = m.requiredString(key);
        if (name.isEmpty()) {
            return name;
        }
        if (!NAME.matcher(name).matches()) {
            m.error(key, "expected a " + what + " name of letters, digits, '_', '.', '-' (max 63), found '" + name + "'");
        } else if (!seen.add(name)) {
            m.error(key, "duplicate " + what + " name '" + name + "'");
        }
        return name;
    }

    static Optional<InterfaceName> interfaceName(String s) {
        return InterfaceName.isValid(s) ? Optional.of(new InterfaceName(s)) : Optional.empty();
    }

    static Optional<VipAddress> vipAddress(String s) {
        int slash = s.indexOf('/');
        if (slash < 0) {
            return Optional.empty();
        }
        Optional<Inet4Address> ip = Ipv4.parse(s.substring(0, slash));
        String prefix = s.substring(slash + 1);
        if (ip.isEmpty() || !prefix.matches("[1-9]|[12]\\d|3[0-2]")) {
            return Optional.empty();
        }
        return Optional.of(new VipAddress(ip.get(), Integer.parseInt(prefix)));
    }

    private static Path readableFile(YamlMap m, String key, Path dir, boolean mustExist) {
        Function<String, Path> resolve = s -> dir.resolve(s).normalize();
        if (!m.has(key)) {
            m.requiredString(key);
            return dir;
        }
        Path p = resolve.apply(m.string(key, ""));
        if (mustExist && !Files.isReadable(p)) {
            m.error(key, Files.exists(p) ? "file is not readable: " + p : "no such file: " + p);
        }
        return p;
    }
}
