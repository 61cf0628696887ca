package io.vipwatch.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.Node;

/** Collects the problems of one YAML file, each pinned to a line, and parses the file into a node tree. */
public final class YamlErrors {
    private final Path file;
    private final List<ConfigError> errors;

    public YamlErrors(Path file, List<ConfigError> sink) {
        this.file = file;
        this.errors = sink;
    }

    public Path file() {
        return file;
    }

    public void add(Node node, String key, String message) {
        errors.add(new ConfigError(file, node == null ? 0 : line(node), key, message));
    }

    public void add(int line, String key, String message) {
        errors.add(new ConfigError(file, line, key, message));
    }

    public boolean isEmpty() {
        return errors.isEmpty();
    }

    /** The 1-based line a node starts on. */
    public static int line(Node node) {
        return node.getStartMark().getLine() + 1;
    }

    /**
     * The file's top-level mapping, to read with the errors collected here; a file that cannot be parsed at all
     * ends the load at once with what was found.
     */
    public YamlMap topLevel() throws ConfigException {
        Optional<Node> root = compose();
        if (root.isEmpty()) {
            throw new ConfigException(errors);
        }
        return YamlMap.of(this, "", root.get());
    }

    /**
     * Parses the file into a node tree (no object construction, so no YAML tags can instantiate classes).
     * Returns empty and reports when the file is missing, unreadable, empty or not valid YAML.
     */
    public Optional<Node> compose() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(10);
        options.setCodePointLimit(1 << 20);
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Node root = new Yaml(options).compose(in);
            if (root == null) {
                add(0, "", "file is empty");
            }
            return Optional.ofNullable(root);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            add(mark == null ? 0 : mark.getLine() + 1, "", "not valid YAML: " + e.getProblem());
        } catch (java.nio.file.NoSuchFileException e) {
            add(0, "", "no such file");
        } catch (IOException e) {
            add(0, "", "cannot read file: " + e.getMessage());
        } catch (RuntimeException e) {
            add(0, "", "not valid YAML: " + e.getMessage());
        }
        return Optional.empty();
    }
}
