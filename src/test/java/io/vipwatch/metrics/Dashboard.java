package io.vipwatch.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Grafana dashboard ({@code grafana/dashboards/vipwatch.json}) as tests see it: its panels and their PromQL
 * queries with Grafana's variables replaced, so that Prometheus can run them as they are. Used by
 * {@code DashboardTest} (structure, PromQL syntax, the metric contract, a synthetic run through promtool) and by
 * the lab test that runs every query against a real Prometheus.
 *
 * <p>Variables are replaced as Grafana would, in the forms {@code $name}, {@code ${name}} and {@code [[name]]}.
 * A value the caller does not give comes from the dashboard: a textbox, custom or constant variable's current
 * value, a query variable's {@code allValue} (".*", i.e. "All"), and {@value #DEFAULT_INTERVAL} for Grafana's
 * {@code $__rate_interval}, {@code $__interval} and {@code $__range}. For a multi-value variable pass what Grafana
 * would send for a regex matcher: {@code "lab"}, or {@code "(rw|ro)"} for two values. A variable that is neither
 * given nor defined is an error (a typo would otherwise make a query that silently matches nothing); {@code $1}
 * and the like are left alone, being regex back-references of label_replace.
 */
public final class Dashboard {
    /** The value of Grafana's built-in interval variables when the caller gives none. */
    public static final String DEFAULT_INTERVAL = "1m";

    private static final Pattern VARIABLE = Pattern.compile(
            "\\$\\{(\\w+)(:[^}]*)?}|\\[\\[(\\w+)(:[^]]*)?]]|\\$(\\w+)");
    private static final List<String> BUILT_IN = List.of("__rate_interval", "__interval", "__range");

    /** A panel that shows data (rows are left out); {@code queries} are the targets' raw PromQL, in order. */
    public record Panel(String title, String type, List<String> queries) {
        public Panel {
            queries = List.copyOf(queries);
        }
    }

    private final JsonNode root;
    private final List<Panel> panels;
    private final Map<String, String> defaults;

    private Dashboard(JsonNode root) {
        this.root = root;
        List<Panel> found = new ArrayList<>();
        collect(root.path("panels"), found);
        this.panels = List.copyOf(found);
        Map<String, String> values = new LinkedHashMap<>();
        BUILT_IN.forEach(b -> values.put(b, DEFAULT_INTERVAL));
        for (JsonNode v : root.path("templating").path("list")) {
            String type = v.path("type").asText();
            if (type.equals("query") && v.hasNonNull("allValue")) {
                values.put(v.path("name").asText(), v.path("allValue").asText());
            } else if (type.equals("textbox") || type.equals("custom") || type.equals("constant")) {
                values.put(v.path("name").asText(), v.path("current").path("value").asText(v.path("query").asText()));
            }
        }
        this.defaults = Map.copyOf(values);
    }

    /** Reads a dashboard JSON file. */
    public static Dashboard load(Path file) throws IOException {
        return new Dashboard(new ObjectMapper().readTree(file.toFile()));
    }

    /** The whole dashboard, for structural checks. */
    public JsonNode json() {
        return root;
    }

    /** Every panel with data, those inside rows (collapsed or not) included, in file order. */
    public List<Panel> panels() {
        return panels;
    }

    /** Every query of every panel, in panel order, with the variables replaced (see the class comment). */
    public List<String> queries(Map<String, String> variables) {
        List<String> all = new ArrayList<>();
        panels.forEach(p -> all.addAll(queries(p, variables)));
        return all;
    }

    /** The queries of one panel, with the variables replaced. */
    public List<String> queries(Panel panel, Map<String, String> variables) {
        return panel.queries().stream().map(q -> substitute(q, variables, panel.title())).toList();
    }

    private String substitute(String query, Map<String, String> variables, String panel) {
        Matcher m = VARIABLE.matcher(query);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(3) != null ? m.group(3) : m.group(5);
            String format = m.group(2) != null ? m.group(2) : m.group(4);
            if (name.chars().allMatch(Character::isDigit)) {
                m.appendReplacement(out, Matcher.quoteReplacement(m.group()));
                continue;
            }
            if (format != null) {
                throw new IllegalArgumentException("panel '" + panel + "': variable format " + m.group()
                        + " is not supported; use $" + name);
            }
            String value = variables.containsKey(name) ? variables.get(name) : defaults.get(name);
            if (value == null) {
                throw new IllegalArgumentException("panel '" + panel + "': variable $" + name
                        + " is neither given nor defined in the dashboard (given: " + variables.keySet()
                        + ", defined: " + defaults.keySet() + ") in: " + query);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static void collect(JsonNode list, List<Panel> into) {
        for (JsonNode p : list) {
            if (p.path("type").asText().equals("row")) {
                collect(p.path("panels"), into);
                continue;
            }
            List<String> queries = new ArrayList<>();
            p.path("targets").forEach(t -> queries.add(t.path("expr").asText()));
            into.add(new Panel(p.path("title").asText(), p.path("type").asText(), queries));
        }
    }
}
