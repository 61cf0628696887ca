package io.vipwatch.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Loads and validates {@code vipwatch.yml}. Every problem is collected and reported together, each as
 * {@code FILE:LINE: key: message}; nothing is silently corrected. Relative paths resolve against the config file's
 * directory. Secrets are read here, once, so a missing password file fails at load and not at 3 a.m.
 */
public final class ConfigLoader {
    static final Set<String> SSL_MODES = Set.of("DISABLED", "PREFERRED", "REQUIRED", "VERIFY_CA",
            "VERIFY_IDENTITY");
    private static final Duration MS_100 = Duration.ofMillis(100);
    static final String DEFAULT_STATE_DIR = "/var/lib/vipwatch";

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
        YamlMap top = errors.topLevel();
        top.rejectUnknownKeys(Set.of("ssh", "mysql", "probes", "rules", "clusters", "listen", "audit_log", "repairs",
                "alerts", "state_dir", "maintenance", "web_config", "scheduler"));
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
        List<ClusterConfig> clusters = ClusterSection.clusters(top);
        ServiceSettings service = ServiceSections.service(top, dir, found);
        RepairSettings repairs = ServiceSections.repairs(top.map("repairs"));
        AlertSettings alerts = alerts(top.map("alerts"), dir, found);
        Path stateDir = dir.resolve(top.string("state_dir", DEFAULT_STATE_DIR)).normalize();
        List<MaintenanceWindow> maintenance = MaintenanceSection.windows(top, clusters);
        SchedulerSettings scheduler = SchedulerSection.scheduler(top.map("scheduler"), dir, environment, clusters,
                service, repairs);
        if (!found.isEmpty()) {
            throw new ConfigException(found);
        }
        return new Config(source, ssh, mysql, probes, rules, clusters, service, repairs, alerts, stateDir,
                maintenance, scheduler);
    }

    /**
     * {@code alerts:} names the channels file (errors in it are reported with its own name and lines), an optional
     * template directory, the repeat interval and the URL people reach this vipwatch at.
     */
    private AlertSettings alerts(YamlMap m, Path dir, List<ConfigError> found) {
        m.rejectUnknownKeys(Set.of("channels", "templates", "repeat_interval", "external_url"));
        AlertChannels channels = AlertChannels.NONE;
        if (m.has("channels")) {
            Path file = readableFile(m, "channels", dir, true);
            if (Files.isReadable(file)) {
                try {
                    channels = new ChannelsLoader(environment).load(file);
                } catch (ConfigException e) {
                    found.addAll(e.errors());
                }
            }
        }
        Optional<Path> templates = m.optionalString("templates").map(s -> dir.resolve(s).normalize());
        templates.ifPresent(p -> {
            if (!Files.isDirectory(p)) {
                m.error("templates", "no such directory: " + p);
            }
        });
        Optional<URI> external = m.parsed("external_url", ConfigLoader::httpUrl,
                "an http:// or https:// URL such as http://vipwatch.example.com:9107");
        return new AlertSettings(channels,
                templates,
                m.duration("repeat_interval", AlertSettings.DEFAULT_REPEAT, Duration.ofMinutes(1), Duration.ofDays(7)),
                external);
    }

    static Optional<URI> httpUrl(String s) {
        try {
            URI uri = new URI(s);
            boolean http = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
            return http && uri.getHost() != null ? Optional.of(uri) : Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
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
                password(m, dir, environment),
                m.integer("port", 3306, 1, 65535),
                m.duration("connect_timeout", Duration.ofSeconds(1), MS_100, Duration.ofSeconds(60)),
                m.duration("query_timeout", Duration.ofSeconds(2), MS_100, Duration.ofMinutes(5)),
                sslMode);
    }

    /** A MySQL password: an empty one is allowed (a monitor user may have none). */
    static Secret password(YamlMap m, Path dir, Map<String, String> environment) {
        boolean file = m.has("password_file");
        boolean env = m.has("password_env");
        Optional<Secret> secret = Optional.empty();
        if (file && env) {
            m.error("password_env", "set either password_file or password_env, not both");
        } else if (file) {
            secret = Secrets.fromFile(m, "password_file", dir, true);
        } else if (env) {
            secret = Secrets.fromEnv(m, "password_env", environment, true);
        } else {
            m.error("password_file", "required: set password_file or password_env");
        }
        return secret.orElse(new Secret("", "nowhere"));
    }

    private ProbeSettings probes(YamlMap m) {
        m.rejectUnknownKeys(Set.of("interval", "ping_timeout", "l2_window", "event_streams"));
        return new ProbeSettings(
                m.duration("interval", Duration.ofSeconds(5), MS_100, Duration.ofHours(1)),
                m.duration("ping_timeout", Duration.ofSeconds(1), MS_100, Duration.ofSeconds(30)),
                m.duration("l2_window", Duration.ofMillis(300), MS_100, Duration.ofSeconds(10)),
                m.bool("event_streams", true));
    }

    /**
     * The path the key names, resolved against {@code dir}; checked to be a readable file only when it must exist
     * (known_hosts need not, without strict host keys). On a problem, reports it and returns {@code dir}.
     */
    private static Path readableFile(YamlMap m, String key, Path dir, boolean mustExist) {
        if (mustExist) {
            return Secrets.readableFile(m, key, dir).orElse(dir);
        }
        return dir.resolve(m.requiredString(key)).normalize();
    }
}
