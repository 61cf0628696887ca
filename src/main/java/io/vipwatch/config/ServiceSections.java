package io.vipwatch.config;

import java.net.Inet4Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The sections only the long-running service uses: {@code listen}, {@code web_config}, {@code audit_log},
 * {@code repairs}.
 */
final class ServiceSections {
    static final int DEFAULT_PORT = 9107;
    static final String DEFAULT_AUDIT_LOG = "/var/log/vipwatch/audit.jsonl";

    private ServiceSections() {
    }

    static ServiceSettings service(YamlMap top, Path dir, List<ConfigError> found) {
        Inet4Address host = Ipv4.parse("127.0.0.1").orElseThrow();
        int port = DEFAULT_PORT;
        Optional<String> listen = top.optionalString("listen");
        if (listen.isPresent()) {
            String[] parts = listen.get().split(":", -1);
            Optional<Inet4Address> ip = parts.length == 2 ? Ipv4.parse(parts[0]) : Optional.empty();
            Integer p = parts.length == 2 && parts[1].matches("\\d{1,5}") ? Integer.valueOf(parts[1]) : null;
            if (ip.isEmpty() || p == null || p < 1 || p > 65535) {
                top.error("listen", "expected IPv4-ADDRESS:PORT such as 127.0.0.1:9107, found '" + listen.get() + "'");
            } else {
                host = ip.get();
                port = p;
            }
        }
        Path audit = dir.resolve(top.string("audit_log", DEFAULT_AUDIT_LOG)).normalize();
        WebConfig web = WebConfig.NONE;
        Optional<Path> webFile = top.optionalString("web_config").map(s -> dir.resolve(s).normalize());
        if (webFile.isPresent() && !Files.isReadable(webFile.get())) {
            top.error("web_config", "no such file or not readable: " + webFile.get());
        } else if (webFile.isPresent()) {
            try {
                web = WebConfigLoader.load(webFile.get());
            } catch (ConfigException e) {
                found.addAll(e.errors());
            }
        }
        return new ServiceSettings(host, port, audit, web);
    }

    static RepairSettings repairs(YamlMap m) {
        m.rejectUnknownKeys(Set.of("dry_run", "max_concurrent", "step_timeout", "guard_window", "bursts"));
        List<RepairSettings.Burst> bursts = m.has("bursts") ? bursts(m) : RepairSettings.defaultBursts();
        return new RepairSettings(
                m.bool("dry_run", false),
                m.integer("max_concurrent", 4, 1, 64),
                m.duration("step_timeout", Duration.ofSeconds(5), Duration.ofMillis(500), Duration.ofMinutes(2)),
                m.duration("guard_window", RepairSettings.DEFAULT_GUARD_WINDOW, Duration.ofMillis(50),
                        Duration.ofSeconds(2)),
                bursts.isEmpty() ? RepairSettings.defaultBursts() : bursts);
    }

    /**
     * {@code bursts: [2, 1100ms, 2, 2s, 1]}: packet counts alternating with waits, starting and ending with a count.
     * Waits shorter than {@link RepairSettings#MIN_BURST_GAP} are refused: the kernel would ignore the repeat.
     */
    private static List<RepairSettings.Burst> bursts(YamlMap m) {
        Node node = m.node("bursts").orElseThrow();
        String expected = "a list of packet counts (1-10) alternating with waits of at least 1100ms, starting and "
                + "ending with a count, e.g. [2, 1100ms, 2, 2s, 1]";
        if (!(node instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
            m.error("bursts", "expected " + expected);
            return List.of();
        }
        List<String> items = new ArrayList<>();
        for (Node n : seq.getValue()) {
            items.add(n instanceof ScalarNode s ? s.getValue() : "?");
        }
        List<RepairSettings.Burst> bursts = new ArrayList<>();
        for (int i = 0; i < items.size(); i += 2) {
            String count = items.get(i);
            Optional<Duration> wait = i + 1 < items.size() ? Durations.parse(items.get(i + 1)) : Optional.of(Duration.ZERO);
            boolean countOk = count.matches("10|[1-9]");
            if (!countOk || wait.isEmpty() || (i + 1 == items.size() - 1)) {
                m.error("bursts", "expected " + expected + ", found " + items);
                return List.of();
            }
            if (i + 1 < items.size() && wait.get().compareTo(RepairSettings.MIN_BURST_GAP) < 0) {
                m.error("bursts", "wait " + items.get(i + 1) + " is shorter than 1100ms: Linux ignores ARP updates "
                        + "of an entry within its ~1 s locktime, so that burst could be lost");
                return List.of();
            }
            bursts.add(new RepairSettings.Burst(Integer.parseInt(count), wait.get()));
        }
        return bursts;
    }
}
