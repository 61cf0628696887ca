package io.vipwatch.repair;

import io.vipwatch.config.ConfigError;
import io.vipwatch.config.ConfigException;
import io.vipwatch.config.YamlErrors;
import io.vipwatch.config.YamlMap;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Reads the {@code plans:} key of rule files into {@link RepairPlan}s, collecting every error with its line. */
final class PlanLoader {
    /** Same shape as a problem name, so a rule's {@code repair:} can be checked the same way. */
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    private PlanLoader() {
    }

    static List<RepairPlan> load(Path path) throws ConfigException {
        List<Path> files = files(path);
        List<ConfigError> errors = new ArrayList<>();
        List<RepairPlan> plans = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        for (Path file : files) {
            YamlErrors fileErrors = new YamlErrors(file.toAbsolutePath().normalize(), errors);
            fileErrors.compose().ifPresent(root -> parse(fileErrors, root, seen, plans));
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return plans;
    }

    static List<RepairPlan> loadResource(String resource) throws ConfigException {
        try (InputStream in = PlanLoader.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("bundled plans missing from the jar: " + resource);
            }
            // YamlErrors reads files (that is how it names FILE:LINE); keep the resource's own file name.
            Path dir = Files.createTempDirectory("vipwatch-plans");
            Path tmp = dir.resolve(Path.of(resource).getFileName().toString());
            try {
                Files.write(tmp, in.readAllBytes());
                return load(tmp);
            } finally {
                Files.deleteIfExists(tmp);
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read bundled plans " + resource, e);
        }
    }

    /**
     * Why a step order is unsafe, if it is: a VIP is only ever added after its link was checked and after no other
     * MAC answered for it.
     */
    static Optional<String> orderProblem(List<String> steps) {
        for (StepName adding : List.of(StepName.ADD_VIP, StepName.MOVE_TO_FALLBACK)) {
            int at = steps.indexOf(adding.label());
            if (at < 0) {
                continue;
            }
            List<String> before = steps.subList(0, at);
            if (!before.contains(StepName.CHECK_LINK.label())
                    || !before.contains(StepName.GUARD_NO_OTHER_MAC.label())) {
                return Optional.of(adding.label() + " must come after check-link and guard-no-other-mac: a VIP is "
                        + "never added on a dead link or while another MAC answers for it");
            }
        }
        return Optional.empty();
    }

    private static List<Path> files(Path path) throws ConfigException {
        if (!Files.isDirectory(path)) {
            return List.of(path);
        }
        try (Stream<Path> s = Files.list(path)) {
            List<Path> files = s.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml"))
                    .sorted().toList();
            if (files.isEmpty()) {
                throw new ConfigException(List.of(new ConfigError(path, 0, "", "rule directory holds no .yml files")));
            }
            return files;
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigError(path, 0, "", "cannot list rule directory: " + e)));
        }
    }

    private static void parse(YamlErrors errors, Node root, Map<String, String> seen, List<RepairPlan> out) {
        // Only `plans:` is ours; the rule loader reads the same files and reports on the rest of the top level.
        if (!(root instanceof MappingNode top)) {
            return;
        }
        Optional<Node> plansNode = top.getValue().stream()
                .filter(t -> t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("plans"))
                .map(NodeTuple::getValueNode).findFirst();
        if (plansNode.isEmpty()) {
            return;
        }
        if (!(plansNode.get() instanceof MappingNode plans)) {
            errors.add(plansNode.get(), "plans", "expected a mapping of plan names to plans, found "
                    + YamlMap.describe(plansNode.get()));
            return;
        }
        for (NodeTuple t : plans.getValue()) {
            String name = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : "?";
            String path = "plans." + name;
            String origin = errors.file() + ":" + YamlErrors.line(t.getKeyNode());
            if (!NAME.matcher(name).matches()) {
                errors.add(t.getKeyNode(), path, "expected a plan name of lower-case letters, digits and '-', found '"
                        + name + "'");
            } else if (seen.putIfAbsent(name, origin) != null) {
                errors.add(t.getKeyNode(), path, "plan '" + name + "' is already defined at " + seen.get(name));
            }
            plan(YamlMap.of(errors, path, t.getValueNode()), name, origin).ifPresent(out::add);
        }
    }

    private static Optional<RepairPlan> plan(YamlMap p, String name, String origin) {
        p.rejectUnknownKeys(Set.of("steps"));
        if (!p.has("steps")) {
            p.requiredString("steps"); // reports "required key is missing"
            return Optional.empty();
        }
        Node node = p.node("steps").orElseThrow();
        if (!(node instanceof SequenceNode seq)) {
            p.error("steps", "expected a list of step names, found " + YamlMap.describe(node));
            return Optional.empty();
        }
        if (seq.getValue().isEmpty()) {
            p.error("steps", "expected at least one step, found an empty list");
            return Optional.empty();
        }
        List<String> steps = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < seq.getValue().size(); i++) {
            Node item = seq.getValue().get(i);
            String step = item instanceof ScalarNode s ? s.getValue() : YamlMap.describe(item);
            if (StepName.of(step).isEmpty()) {
                p.errorAt("steps[" + i + "]", YamlErrors.line(item), "unknown step '" + step + "' (expected one of "
                        + String.join(", ", StepName.labels()) + ")");
                ok = false;
            }
            steps.add(step);
        }
        Optional<String> order = ok ? orderProblem(steps) : Optional.empty();
        order.ifPresent(problem -> p.error("steps", problem));
        return ok && order.isEmpty() && NAME.matcher(name).matches()
                ? Optional.of(new RepairPlan(name, steps, origin)) : Optional.empty();
    }
}
