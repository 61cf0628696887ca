package io.vipwatch.rule;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelIssue;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypes;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import io.vipwatch.config.ConfigError;
import io.vipwatch.config.ConfigException;
import io.vipwatch.config.Origin;
import io.vipwatch.config.YamlErrors;
import io.vipwatch.config.YamlMap;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Loads rule files and compiles their CEL conditions once, at load. A condition is type-checked against the
 * declared facts ({@link FactSchema}) and must be a {@code bool}; an unknown fact name, a type error or a
 * duplicate problem name is a load error naming {@code FILE:LINE}.
 *
 * <pre>
 * rules:
 *   - name: vip-missing
 *     severity: critical
 *     when: location.complete &amp;&amp; size(vip.holders) == 0
 *     hosts: hosts.all            # optional: which hosts the problem is about
 *     summary: the VIP is on no host
 * </pre>
 */
public final class RuleLoader {
    /** Where the rules bundled in the jar live (copied from the repository's {@code rules/}). */
    public static final String BUNDLED = "/rules/vip-rules.yml";

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private static final CelType HOST_LIST = ListType.create(SimpleType.STRING);
    // One environment for both kinds of expression; the result type is checked per expression below. Building a
    // CEL environment is the costliest part of start-up, so there is only one.
    private final Cel cel = environment();

    private static Cel environment() {
        var builder = CelFactory.standardCelBuilder();
        FactSchema.FACTS.forEach(builder::addVar);
        return builder.build();
    }

    /** Loads {@code path} (a file, or every {@code *.yml}/{@code *.yaml} of a directory in name order). */
    public RuleSet load(Path path) throws ConfigException {
        List<Path> files;
        if (Files.isDirectory(path)) {
            try (Stream<Path> s = Files.list(path)) {
                files = s.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).sorted().toList();
            } catch (IOException e) {
                throw new ConfigException(List.of(new ConfigError(path, 0, "", "cannot list rule directory: " + e)));
            }
            if (files.isEmpty()) {
                throw new ConfigException(List.of(new ConfigError(path, 0, "", "rule directory holds no .yml files")));
            }
        } else {
            files = List.of(path);
        }
        List<ConfigError> errors = new ArrayList<>();
        List<Rule> rules = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        for (Path file : files) {
            YamlErrors fileErrors = new YamlErrors(file.toAbsolutePath().normalize(), errors);
            fileErrors.compose().ifPresent(root -> rules.addAll(parse(fileErrors, root, seen)));
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return new RuleSet(rules);
    }

    /** Loads the rules bundled with vipwatch. */
    public RuleSet loadBundled() throws ConfigException {
        try (InputStream in = RuleLoader.class.getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new IllegalStateException("bundled rules missing from the jar: " + BUNDLED);
            }
            Path tmp = Files.createTempFile("vipwatch-rules", ".yml");
            try {
                Files.write(tmp, in.readAllBytes());
                return load(tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read bundled rules", e);
        }
    }

    private List<Rule> parse(YamlErrors errors, Node root, Map<String, String> seen) {
        YamlMap top = YamlMap.of(errors, "", root);
        // `plans:` (repair plans) may share a file with rules; the repair package reads it.
        top.rejectUnknownKeys(Set.of("rules", "plans"));
        List<Rule> rules = new ArrayList<>();
        for (YamlMap r : top.list("rules")) {
            r.rejectUnknownKeys(Set.of("name", "severity", "when", "hosts", "summary", "for", "clear_for", "repair",
                    "alert", "cooldown", "max_attempts", "window", "runbook"));
            String name = r.requiredString("name");
            Origin origin = new Origin(errors.file(), r.line());
            if (!name.isEmpty() && !NAME.matcher(name).matches()) {
                r.error("name", "expected a problem name of lower-case letters, digits and '-', found '" + name + "'");
            } else if (!name.isEmpty() && seen.putIfAbsent(name, origin.toString()) != null) {
                r.error("name", "problem '" + name + "' is already defined at " + seen.get(name));
            }
            Severity severity = severity(r);
            Optional<CelRuntime.Program> when = compile(r, "when", SimpleType.BOOL, true);
            Optional<CelRuntime.Program> hosts = r.has("hosts") ? compile(r, "hosts", HOST_LIST, false) : Optional.empty();
            if (when.isPresent()) {
                rules.add(new Rule(name, severity, r.string("summary", name), r.string("when", ""), when.get(),
                        hosts, origin, lifecycle(r)));
            }
        }
        if (!top.has("rules") && !top.has("plans")) {
            top.error("rules", "required key is missing: a list of rules");
        }
        return rules;
    }

    private static Lifecycle lifecycle(YamlMap r) {
        Lifecycle d = Lifecycle.DEFAULT;
        // absent: the channels' defaults; `alert: []`: no notification at all
        Optional<List<String>> alerts = r.node("alert").map(n -> {
            List<String> names = new ArrayList<>();
            if (n instanceof org.yaml.snakeyaml.nodes.SequenceNode seq) {
                seq.getValue().forEach(item -> names.add(item instanceof ScalarNode sc ? sc.getValue() : "?"));
            } else {
                names.add(r.string("alert", ""));
            }
            return List.copyOf(names);
        });
        Optional<String> repair = r.optionalString("repair");
        repair.ifPresent(p -> {
            if (!NAME.matcher(p).matches()) {
                r.error("repair", "expected a plan name of lower-case letters, digits and '-', found '" + p + "'");
            }
        });
        return new Lifecycle(
                r.integer("for", d.forCycles(), 1, 1000),
                r.integer("clear_for", d.clearFor(), 1, 1000),
                repair,
                alerts,
                r.duration("cooldown", d.cooldown(), java.time.Duration.ZERO, java.time.Duration.ofHours(24)),
                r.integer("max_attempts", d.maxAttempts(), 1, 100),
                r.duration("window", d.window(), java.time.Duration.ofSeconds(1), java.time.Duration.ofDays(7)),
                r.optionalString("runbook"));
    }

    private static Severity severity(YamlMap r) {
        String s = r.string("severity", "warning");
        try {
            return Severity.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            r.error("severity", "expected critical, warning or info, found '" + s + "'");
            return Severity.WARNING;
        }
    }

    private Optional<CelRuntime.Program> compile(YamlMap r, String key, CelType expected, boolean required) {
        Optional<String> text = required ? Optional.of(r.requiredString(key)) : r.optionalString(key);
        if (text.isEmpty() || text.get().isBlank()) {
            return Optional.empty();
        }
        CelValidationResult result = cel.compile(text.get());
        if (result.hasError()) {
            int base = r.node(key).map(RuleLoader::contentLine).orElse(r.line());
            for (CelIssue issue : result.getErrors()) {
                int line = base + Math.max(0, issue.getSourceLocation().getLine() - 1);
                r.errorAt(key, line, issue.getMessage().replace(" (in container '')", "")
                        + " (column " + (issue.getSourceLocation().getColumn() + 1) + ")");
            }
            return Optional.empty();
        }
        try {
            CelType found = result.getAst().getResultType();
            if (!found.equals(expected)) {
                r.errorAt(key, r.node(key).map(RuleLoader::contentLine).orElse(r.line()),
                        "expected type '" + CelTypes.format(expected) + "' but found '" + CelTypes.format(found) + "'");
                return Optional.empty();
            }
            return Optional.of(cel.createProgram(result.getAst()));
        } catch (dev.cel.common.CelValidationException | CelEvaluationException e) {
            r.error(key, "cannot compile: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** First line of a scalar's text: block scalars ({@code |}, {@code >}) start on the line after the indicator. */
    private static int contentLine(Node n) {
        int line = n.getStartMark().getLine() + 1;
        if (n instanceof ScalarNode s && (s.getScalarStyle() == DumperOptions.ScalarStyle.LITERAL
                || s.getScalarStyle() == DumperOptions.ScalarStyle.FOLDED)) {
            return line + 1;
        }
        return line;
    }
}
