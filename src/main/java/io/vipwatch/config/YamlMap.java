package io.vipwatch.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A read-only view of one YAML mapping that knows where it is (file, line, key path) and reports every problem to
 * a shared error list instead of throwing, so one load shows all mistakes at once. Getters return a usable default
 * after reporting, which lets validation continue; the caller checks {@link YamlErrors#isEmpty()} at the end.
 *
 * <p>Reading from the composed node tree rather than from plain maps is what keeps line numbers available.
 */
public final class YamlMap {
    private final YamlErrors errors;
    private final String path;
    private final Node node;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();

    private YamlMap(YamlErrors errors, String path, Node node, Map<String, NodeTuple> entries) {
        this.errors = errors;
        this.path = path;
        this.node = node;
        this.entries.putAll(entries);
    }

    /** Wraps a node that should be a mapping; reports and returns an empty view when it is not. */
    public static YamlMap of(YamlErrors errors, String path, Node node) {
        Map<String, NodeTuple> entries = new LinkedHashMap<>();
        if (node instanceof MappingNode mapping) {
            for (NodeTuple t : mapping.getValue()) {
                String key = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : "?";
                if (entries.containsKey(key)) {
                    errors.add(t.getKeyNode(), join(path, key), "duplicate key");
                }
                entries.put(key, t);
            }
        } else if (node != null) {
            errors.add(node, path, "expected a mapping of keys to values, found " + describe(node));
        }
        return new YamlMap(errors, path, node, entries);
    }

    public String path() {
        return path;
    }

    public Path file() {
        return errors.file();
    }

    public int line() {
        return node == null ? 0 : YamlErrors.line(node);
    }

    public boolean has(String key) {
        return entries.containsKey(key);
    }

    public Optional<Node> node(String key) {
        NodeTuple t = entries.get(key);
        return t == null ? Optional.empty() : Optional.of(t.getValueNode());
    }

    /** Reports a problem with the value of {@code key} (or with this mapping when the key is absent). */
    public void error(String key, String message) {
        NodeTuple t = entries.get(key);
        errors.add(t != null ? t.getValueNode() : node, join(path, key), message);
    }

    /** Reports a problem with the value of {@code key} at a given line (e.g. inside a multi-line value). */
    public void errorAt(String key, int line, String message) {
        errors.add(line, join(path, key), message);
    }

    /** Rejects every key not in {@code known}: a typo must not silently fall back to a default. */
    public void rejectUnknownKeys(Set<String> known) {
        for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
            if (!known.contains(e.getKey())) {
                errors.add(e.getValue().getKeyNode(), join(path, e.getKey()),
                        "unknown key (expected one of " + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    public Optional<String> optionalString(String key) {
        return node(key).flatMap(n -> scalar(key, n));
    }

    public String string(String key, String defaultValue) {
        return optionalString(key).orElse(defaultValue);
    }

    /** A required, non-empty string; reports and returns "" when absent. */
    public String requiredString(String key) {
        if (!has(key)) {
            errors.add(node, join(path, key), "required key is missing");
            return "";
        }
        String value = optionalString(key).orElse("");
        if (value.isBlank()) {
            error(key, "must not be empty");
        }
        return value;
    }

    public boolean bool(String key, boolean defaultValue) {
        Optional<String> s = optionalString(key);
        if (s.isEmpty()) {
            return defaultValue;
        }
        return switch (s.get()) {
            case "true" -> true;
            case "false" -> false;
            default -> {
                error(key, "expected true or false, found '" + s.get() + "'");
                yield defaultValue;
            }
        };
    }

    public int integer(String key, int defaultValue, int min, int max) {
        Optional<String> s = optionalString(key);
        if (s.isEmpty()) {
            return defaultValue;
        }
        try {
            int v = Integer.parseInt(s.get());
            if (v < min || v > max) {
                error(key, "expected an integer from " + min + " to " + max + ", found " + v);
                return defaultValue;
            }
            return v;
        } catch (NumberFormatException e) {
            error(key, "expected an integer, found '" + s.get() + "'");
            return defaultValue;
        }
    }

    /** A duration such as {@code 500ms}, {@code 2s}, {@code 1m}, bounded so that nothing means "forever". */
    public Duration duration(String key, Duration defaultValue, Duration min, Duration max) {
        Optional<String> s = optionalString(key);
        if (s.isEmpty()) {
            return defaultValue;
        }
        Optional<Duration> d = Durations.parse(s.get());
        if (d.isEmpty()) {
            error(key, "expected a duration such as 500ms, 2s or 1m, found '" + s.get() + "'");
            return defaultValue;
        }
        if (d.get().compareTo(min) < 0 || d.get().compareTo(max) > 0) {
            error(key, "expected a duration from " + Durations.format(min) + " to " + Durations.format(max)
                    + ", found " + s.get());
            return defaultValue;
        }
        return d.get();
    }

    /** Reads a string value through a parser that returns empty for invalid input, reporting {@code expected}. */
    public <T> Optional<T> parsed(String key, Function<String, Optional<T>> parser, String expected) {
        Optional<String> s = optionalString(key);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        Optional<T> v = parser.apply(s.get());
        if (v.isEmpty()) {
            error(key, "expected " + expected + ", found '" + s.get() + "'");
        }
        return v;
    }

    /** Like {@link #parsed}, but reports a missing key too. */
    public <T> Optional<T> requiredParsed(String key, Function<String, Optional<T>> parser, String expected) {
        if (!has(key)) {
            requiredString(key);
            return Optional.empty();
        }
        return parsed(key, parser, expected);
    }

    /** A sequence of mappings, e.g. {@code hosts:}; reports a non-sequence and returns an empty list. */
    public List<YamlMap> list(String key) {
        Optional<Node> n = node(key);
        if (n.isEmpty()) {
            return List.of();
        }
        if (!(n.get() instanceof SequenceNode seq)) {
            error(key, "expected a list, found " + describe(n.get()));
            return List.of();
        }
        List<YamlMap> items = new ArrayList<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            items.add(of(errors, join(path, key) + "[" + i + "]", seq.getValue().get(i)));
        }
        return items;
    }

    public YamlMap map(String key) {
        return of(errors, join(path, key), node(key).orElse(null));
    }

    private Optional<String> scalar(String key, Node n) {
        if (n instanceof ScalarNode s) {
            return Optional.of(s.getValue());
        }
        errors.add(n, join(path, key), "expected a single value, found " + describe(n));
        return Optional.empty();
    }

    static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** How a node reads in a message: {@code a mapping}, {@code a list}, or its quoted value. */
    public static String describe(Node n) {
        return switch (n.getNodeId()) {
            case mapping -> "a mapping";
            case sequence -> "a list";
            case scalar -> "'" + ((ScalarNode) n).getValue() + "'";
            default -> "an alias";
        };
    }
}
