package io.vipwatch.metrics;

import static io.vipwatch.metrics.PrometheusRulesTest.promtool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard without Grafana: its structure (stable uid, variables, a description and the datasource
 * variable on every panel, a layout without overlaps), its queries' metric names against vipwatch's metric
 * contract, their PromQL syntax (promtool parses them as recording rules) and their data: on a synthetic scrape
 * of a run with a fault repaired, every query returns something (promtool evaluates them). The lab test
 * {@code PrometheusIT} runs the same queries against a real Prometheus scraping a real vipwatch.
 */
class DashboardTest {
    static final Path FILE = Path.of("grafana/dashboards/vipwatch.json");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What Grafana sends for "cluster lab, VIPs rw and ro". */
    private static final Map<String, String> LAB = Map.of("cluster", "lab", "vip", "(rw|ro)");
    private static final Pattern VIPWATCH_NAME = Pattern.compile("\\bvipwatch_\\w+");
    private static final Pattern SELECTOR = Pattern.compile("\\b([a-zA-Z_:][\\w:]*)\\s*(\\{[^}]*})?");

    enum Kind { GAUGE, COUNTER, SUMMARY }

    /** One metric of the contract; a summary's samples are {@code _count}, {@code _sum} and {@code _max}. */
    record Metric(String name, Kind kind, Set<String> labels) {
        List<String> samples() {
            return kind == Kind.SUMMARY ? List.of(name + "_count", name + "_sum", name + "_max") : List.of(name);
        }
    }

    /** The metric contract of issue 5: what vipwatch exposes (besides Micrometer's jvm_* and process_*). */
    static final List<Metric> CONTRACT = List.of(
            gauge("vipwatch_build_info", "version"),
            gauge("vipwatch_vip_holder", "cluster", "vip", "host"),
            gauge("vipwatch_vip_holders", "cluster", "vip"),
            gauge("vipwatch_vip_expected_holder", "cluster", "vip", "host"),
            gauge("vipwatch_host_up", "cluster", "host"),
            gauge("vipwatch_probe_success", "cluster", "vip", "probe"),
            new Metric("vipwatch_probe_duration_seconds", Kind.SUMMARY, Set.of("cluster", "vip", "probe")),
            gauge("vipwatch_ping_up", "cluster", "vip"),
            gauge("vipwatch_ping_rtt_seconds", "cluster", "vip"),
            gauge("vipwatch_arp_match", "cluster", "vip", "vantage"),
            gauge("vipwatch_l2_macs", "cluster", "vip"),
            gauge("vipwatch_sql_up", "cluster", "vip"),
            gauge("vipwatch_sql_latency_seconds", "cluster", "vip"),
            gauge("vipwatch_sql_answered_by_holder", "cluster", "vip"),
            gauge("vipwatch_problem_active", "cluster", "vip", "problem"),
            gauge("vipwatch_silenced", "cluster", "vip"),
            new Metric("vipwatch_repairs_total", Kind.COUNTER, Set.of("cluster", "vip", "plan", "result")),
            new Metric("vipwatch_repair_duration_seconds", Kind.SUMMARY, Set.of("cluster", "vip", "plan")),
            new Metric("vipwatch_alert_notifications_total", Kind.COUNTER, Set.of("channel", "result")),
            gauge("vipwatch_alert_outbox_pending", "channel"),
            new Metric("vipwatch_ssh_reconnects_total", Kind.COUNTER, Set.of("host")),
            new Metric("vipwatch_rule_evaluation_seconds", Kind.SUMMARY, Set.of()),
            new Metric("vipwatch_cycles_total", Kind.COUNTER, Set.of("cluster", "vip")),
            new Metric("vipwatch_cycle_duration_seconds", Kind.SUMMARY, Set.of("cluster", "vip")),
            // issue 8, instances of a fleet only (scheduler.store: jdbc)
            gauge("vipwatch_job_store_up"),
            new Metric("vipwatch_repair_leases_total", Kind.COUNTER, Set.of("result")));

    /**
     * The other metrics the dashboard reads: Prometheus' own {@code up}, Micrometer's JvmMemoryMetrics and the
     * {@code process_cpu_seconds_total} counter vipwatch registers. Always selected by {@code job="$job"}, since
     * other Java services export the same names.
     */
    static final Set<String> RUNTIME = Set.of("up", "jvm_memory_used_bytes", "jvm_memory_committed_bytes",
            "jvm_memory_max_bytes", "process_cpu_seconds_total");

    /**
     * Contract metrics deliberately not on the dashboard: only a fleet's instances export the job store's, and the
     * dashboard serves single instances too (a fleet-only panel would stay empty there); the Prometheus alert
     * VipwatchJobStoreDown and {@code /api/status} cover them. Every other metric answers a question someone on call
     * asks, on a panel.
     */
    static final Set<String> NOT_ON_DASHBOARD = Set.of("vipwatch_job_store_up", "vipwatch_repair_leases_total");

    private static Dashboard dashboard;

    @BeforeAll
    static void load() throws Exception {
        dashboard = Dashboard.load(FILE);
    }

    static Set<String> sampleNames() {
        return CONTRACT.stream().flatMap(m -> m.samples().stream()).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void uidTitleAndSchemaAreStable() {
        JsonNode d = dashboard.json();
        assertThat(d.path("uid").asText()).isEqualTo("vipwatch-vips");
        assertThat(d.path("title").asText()).isEqualTo("vipwatch \u2014 VIPs");
        assertThat(d.path("schemaVersion").asInt()).isEqualTo(39);
        assertThat(d.path("id").isNull()).as("no instance-specific id").isTrue();
    }

    @Test
    void variablesOfferDatasourceClusterAndVip() {
        Map<String, JsonNode> vars = new LinkedHashMap<>();
        dashboard.json().path("templating").path("list").forEach(v -> vars.put(v.path("name").asText(), v));
        assertThat(vars).containsKeys("datasource", "cluster", "vip", "job");
        assertThat(vars.get("datasource").path("type").asText()).isEqualTo("datasource");
        assertThat(vars.get("datasource").path("query").asText()).isEqualTo("prometheus");
        assertThat(vars.get("cluster").path("query").asText()).isEqualTo("label_values(vipwatch_vip_holders, cluster)");
        assertThat(vars.get("vip").path("query").asText())
                .isEqualTo("label_values(vipwatch_vip_holders{cluster=~\"$cluster\"}, vip)");
        for (String name : List.of("cluster", "vip")) {
            JsonNode v = vars.get(name);
            assertThat(v.path("type").asText()).as(name).isEqualTo("query");
            assertThat(v.path("multi").asBoolean() && v.path("includeAll").asBoolean()).as(name + " multi, all")
                    .isTrue();
            assertThat(v.path("allValue").asText()).as(name).isEqualTo(".*");
            assertThat(datasource(v)).as(name).isEqualTo("prometheus ${datasource}");
        }
        assertThat(vars.get("job").path("current").path("value").asText()).isEqualTo("vipwatch");
    }

    @Test
    void everyPanelIsDescribedAndQueriesThroughTheDatasourceVariable() {
        List<JsonNode> panels = panelNodes();
        assertThat(panels).hasSizeGreaterThanOrEqualTo(20);
        for (JsonNode p : panels) {
            String title = p.path("title").asText();
            assertThat(p.path("description").asText()).as(title + ": description").hasSizeGreaterThan(100);
            assertThat(datasource(p)).as(title + ": datasource").isEqualTo("prometheus ${datasource}");
            assertThat(p.path("targets")).as(title + ": targets").isNotEmpty();
            for (JsonNode t : p.path("targets")) {
                assertThat(datasource(t)).as(title + ": target datasource").isEqualTo("prometheus ${datasource}");
                assertThat(t.path("expr").asText()).as(title + ": expr").isNotBlank();
                assertThat(t.path("refId").asText()).as(title + ": refId").isNotBlank();
            }
        }
    }

    @Test
    void panelsHaveUniqueIdsAndTitlesAndDoNotOverlap() {
        List<JsonNode> all = Stream.concat(panelNodes().stream(), rows().stream()).toList();
        assertThat(all.stream().map(p -> p.path("id").asInt())).doesNotHaveDuplicates();
        assertThat(panelNodes().stream().map(p -> p.path("title").asText())).doesNotHaveDuplicates();
        for (int i = 0; i < all.size(); i++) {
            JsonNode a = all.get(i).path("gridPos");
            assertThat(a.path("x").asInt() + a.path("w").asInt()).as(title(all.get(i))).isLessThanOrEqualTo(24);
            for (int j = i + 1; j < all.size(); j++) {
                JsonNode b = all.get(j).path("gridPos");
                boolean apart = a.path("x").asInt() + a.path("w").asInt() <= b.path("x").asInt()
                        || b.path("x").asInt() + b.path("w").asInt() <= a.path("x").asInt()
                        || a.path("y").asInt() + a.path("h").asInt() <= b.path("y").asInt()
                        || b.path("y").asInt() + b.path("h").asInt() <= a.path("y").asInt();
                assertThat(apart).as(title(all.get(i)) + " overlaps " + title(all.get(j))).isTrue();
            }
        }
    }

    @Test
    void everySelectorOfAVipwatchMetricFollowsTheClusterAndVipVariables() {
        Map<String, Metric> bySample = new LinkedHashMap<>();
        CONTRACT.forEach(m -> m.samples().forEach(s -> bySample.put(s, m)));
        for (Dashboard.Panel p : dashboard.panels()) {
            for (String q : p.queries()) {
                Matcher m = SELECTOR.matcher(q);
                while (m.find()) {
                    Metric metric = bySample.get(m.group(1));
                    String matchers = m.group(2) == null ? "" : m.group(2);
                    if (metric != null && metric.labels().contains("cluster")) {
                        assertThat(matchers).as(p.title() + ": " + m.group()).contains("cluster=~\"$cluster\"");
                    }
                    if (metric != null && metric.labels().contains("vip")) {
                        assertThat(matchers).as(p.title() + ": " + m.group()).contains("vip=~\"$vip\"");
                    }
                    if (RUNTIME.contains(m.group(1))) {
                        assertThat(matchers).as(p.title() + ": " + m.group()).contains("job=\"$job\"");
                    }
                }
            }
        }
    }

    @Test
    void theDashboardReadsTheWholeContractAndNothingElse() {
        Set<String> used = new TreeSet<>();
        for (String q : dashboard.queries(LAB)) {
            Matcher v = VIPWATCH_NAME.matcher(q);
            while (v.find()) {
                used.add(v.group());
            }
            Matcher s = SELECTOR.matcher(q);
            while (s.find()) {
                if (s.group(2) != null) {
                    used.add(s.group(1));
                }
            }
        }
        Set<String> known = sampleNames();
        known.addAll(RUNTIME);
        assertThat(known).as("metrics the dashboard reads").containsAll(used);
        for (Metric m : CONTRACT) {
            if (!NOT_ON_DASHBOARD.contains(m.name())) {
                assertThat(m.samples()).as(m.name() + " on a panel").containsAnyElementsOf(used);
            }
        }
        assertThat(used).as("runtime metrics on a panel").containsAll(RUNTIME);
    }

    /** promtool parses each query as the expression of a recording rule: exactly Prometheus' PromQL parser. */
    @Test
    void everyQueryIsValidPromQL(@TempDir Path dir) throws Exception {
        List<Map<String, String>> rules = new ArrayList<>();
        List<String> queries = dashboard.queries(LAB);
        for (int i = 0; i < queries.size(); i++) {
            rules.add(Map.of("record", "dashboard_query_" + i, "expr", queries.get(i)));
        }
        Path file = dir.resolve("dashboard-queries.yml"); // JSON is YAML
        JSON.writeValue(file.toFile(), Map.of("groups", List.of(Map.of("name", "dashboard", "rules", rules))));
        PrometheusRulesTest.Run check = promtool("check", "rules", file.toString());
        assertThat(check.exit()).as(check.output() + "\n" + numbered(queries)).isZero();
    }

    /**
     * Every query returns data at the end of a synthetic run (see {@link SyntheticRun}), as an instant query: the
     * lab test's check, without the lab. Each query becomes an alert {@code absent(query)} that must not fire.
     */
    @Test
    void everyQueryReturnsDataAfterAFaultWasRepaired(@TempDir Path dir) throws Exception {
        List<String> queries = dashboard.queries(LAB);
        List<Map<String, String>> rules = new ArrayList<>();
        List<Map<String, Object>> cases = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) {
            rules.add(Map.of("alert", "Query" + i, "expr", "absent(\n" + queries.get(i) + "\n)"));
            cases.add(Map.of("eval_time", SyntheticRun.END, "alertname", "Query" + i, "exp_alerts", List.of()));
        }
        JSON.writeValue(dir.resolve("queries.yml").toFile(),
                Map.of("groups", List.of(Map.of("name", "dashboard", "rules", rules))));
        Path tests = dir.resolve("queries.test.yml");
        JSON.writeValue(tests.toFile(), Map.of("rule_files", List.of("queries.yml"), "evaluation_interval",
                SyntheticRun.INTERVAL, "tests", List.of(Map.of("interval", SyntheticRun.INTERVAL,
                        "input_series", SyntheticRun.series(), "alert_rule_test", cases))));
        PrometheusRulesTest.Run run = promtool("test", "rules", tests.toString());
        assertThat(run.exit()).as("a QueryN alert means query N is empty:\n" + run.output() + "\n" + numbered(queries))
                .isZero();
    }

    @Test
    void variablesAreFilledFromTheCallerThenTheDashboardAndUnknownOnesAreRejected(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("d.json");
        Files.writeString(file, """
                {"templating": {"list": [
                   {"name": "cluster", "type": "query", "allValue": ".*"},
                   {"name": "job", "type": "textbox", "query": "vipwatch", "current": {"value": "vw"}}]},
                 "panels": [
                   {"type": "row", "title": "r", "collapsed": true, "panels": [{"type": "timeseries", "title": "a",
                     "targets": [{"expr": "rate(x{cluster=~\\"$cluster\\", job=\\"${job}\\"}[$__rate_interval])"}]}]},
                   {"type": "stat", "title": "b", "targets": [{"expr": "label_replace(y[[job]], \\"d\\", \\"$1\\", \\"s\\", \\"(.*)\\")"}]},
                   {"type": "stat", "title": "c", "targets": [{"expr": "z{vip=~\\"$vip\\"}"}]}]}
                """);
        Dashboard d = Dashboard.load(file);
        assertThat(d.panels()).extracting(Dashboard.Panel::title).containsExactly("a", "b", "c");
        Dashboard.Panel a = d.panels().get(0);
        assertThat(d.queries(a, Map.of())).containsExactly("rate(x{cluster=~\".*\", job=\"vw\"}[1m])");
        assertThat(d.queries(a, Map.of("cluster", "(lab|east)", "__rate_interval", "5m")))
                .containsExactly("rate(x{cluster=~\"(lab|east)\", job=\"vw\"}[5m])");
        assertThat(d.queries(d.panels().get(1), Map.of()))
                .containsExactly("label_replace(yvw, \"d\", \"$1\", \"s\", \"(.*)\")");
        assertThatThrownBy(() -> d.queries(Map.of("cluster", "lab")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("panel 'c': variable $vip is neither given nor defined in the dashboard");
    }

    /**
     * Ten minutes of vipwatch as a 15 s scrape would have seen them, following the contract and what
     * {@link Metrics} does: cluster lab with hosts db1..db3, VIP rw (expected on db1) and ro (on db2); from 3m to 4m
     * rw is also on db2 (split brain, ARP stale, two problems active, the firing and resolved alert delivered),
     * then remove-duplicates repairs it. Counters that {@link Metrics} creates only when they first count (repairs)
     * appear at the repair, as they would.
     */
    static final class SyntheticRun {
        static final String INTERVAL = "15s";
        static final String END = "10m";
        private static final String JOB = "job=\"vipwatch\",instance=\"localhost:9107\"";
        private static final List<String> HOSTS = List.of("db1", "db2", "db3");
        private static final List<String> RULES = List.of("host-unreachable", "interface-down", "holder-link-down",
                "vip-missing", "duplicate-holders", "vip-misplaced", "arp-stale", "ping-failed", "sql-failed",
                "sql-wrong-server", "master-ambiguous", "repair-exhausted");

        /** 41 samples, 0..10m: {@code before} until 2m45s, {@code during} 3m..3m45s, {@code after} from 4m. */
        private static String fault(String before, String during, String after) {
            return before + "x11 " + (during + " ").repeat(4) + after + "x24";
        }

        private static String constant(String v) {
            return v + "x40";
        }

        private static String counter(String perScrape) {
            return "0+" + perScrape + "x40";
        }

        static List<Map<String, String>> series() {
            List<Map<String, String>> s = new ArrayList<>();
            add(s, "up", "", constant("1"));
            add(s, "vipwatch_build_info", "version=\"0.0.0-test\"", constant("1"));
            for (String host : HOSTS) {
                add(s, "vipwatch_host_up", "cluster=\"lab\",host=\"" + host + "\"", constant("1"));
                add(s, "vipwatch_ssh_reconnects_total", "host=\"" + host + "\"", constant("0"));
            }
            for (String vip : List.of("rw", "ro")) {
                boolean rw = vip.equals("rw");
                String v = "cluster=\"lab\",vip=\"" + vip + "\"";
                String expected = rw ? "db1" : "db2";
                // As vipwatch writes them: a holder series only for the hosts that carried the VIP or were to, from
                // the first cycle they did ("_" is no sample). The split brain puts rw on db2 as well for a while.
                add(s, "vipwatch_vip_holder", v + ",host=\"" + expected + "\"", constant("1"));
                add(s, "vipwatch_vip_expected_holder", v + ",host=\"" + expected + "\"", constant("1"));
                if (rw) {
                    add(s, "vipwatch_vip_holder", v + ",host=\"db2\"", fault("_", "1", "0"));
                    add(s, "vipwatch_vip_expected_holder", v + ",host=\"db2\"", fault("_", "0", "0"));
                }
                add(s, "vipwatch_vip_holders", v, rw ? fault("1", "2", "1") : constant("1"));
                add(s, "vipwatch_l2_macs", v, rw ? fault("1", "2", "1") : constant("1"));
                add(s, "vipwatch_arp_match", v + ",vantage=\"local\"", rw ? fault("1", "0", "1") : constant("1"));
                for (String probe : Metrics.PROBES) {
                    String p = v + ",probe=\"" + probe + "\"";
                    add(s, "vipwatch_probe_success", p, constant("1"));
                    summary(s, "vipwatch_probe_duration_seconds", p, "15", "0.3", "0.05");
                }
                add(s, "vipwatch_ping_up", v, constant("1"));
                add(s, "vipwatch_ping_rtt_seconds", v, constant("0.0002"));
                add(s, "vipwatch_sql_up", v, constant("1"));
                add(s, "vipwatch_sql_latency_seconds", v, constant("0.05"));
                add(s, "vipwatch_sql_answered_by_holder", v, rw ? fault("1", "NaN", "1") : constant("1"));
                for (String rule : RULES) {
                    boolean fired = rw && (rule.equals("duplicate-holders") || rule.equals("arp-stale"));
                    add(s, "vipwatch_problem_active", v + ",problem=\"" + rule + "\"",
                            fired ? fault("0", "1", "0") : constant("0"));
                }
                add(s, "vipwatch_silenced", v, constant("0"));
                add(s, "vipwatch_cycles_total", v, counter("15"));
                summary(s, "vipwatch_cycle_duration_seconds", v, "15", "9", "0.7");
            }
            String repair = "cluster=\"lab\",vip=\"rw\",plan=\"remove-duplicates\"";
            add(s, "vipwatch_repairs_total", repair + ",result=\"succeeded\"", "_x15 1x24");
            add(s, "vipwatch_repair_duration_seconds_count", repair, "_x15 1x24");
            add(s, "vipwatch_repair_duration_seconds_sum", repair, "_x15 0.4x24");
            add(s, "vipwatch_repair_duration_seconds_max", repair, "_x15 0.4x8 0x15");
            for (String result : List.of("delivered", "retried", "failed")) {
                add(s, "vipwatch_alert_notifications_total", "channel=\"hook\",result=\"" + result + "\"",
                        result.equals("delivered") ? fault("0", "1", "2") : constant("0"));
            }
            add(s, "vipwatch_alert_outbox_pending", "channel=\"hook\"", constant("0"));
            summary(s, "vipwatch_rule_evaluation_seconds", "", "30", "0.003", "0.0002");
            for (String area : List.of("heap", "nonheap")) {
                String a = "area=\"" + area + "\",id=\"" + (area.equals("heap") ? "Tenured Gen" : "Metaspace") + "\"";
                add(s, "jvm_memory_used_bytes", a, constant("20000000"));
                add(s, "jvm_memory_committed_bytes", a, constant("30000000"));
                add(s, "jvm_memory_max_bytes", a, constant(area.equals("heap") ? "250000000" : "-1"));
            }
            add(s, "process_cpu_seconds_total", "", counter("0.15"));
            return s;
        }

        private static void summary(List<Map<String, String>> s, String name, String labels, String count,
                                    String sum, String max) {
            add(s, name + "_count", labels, counter(count));
            add(s, name + "_sum", labels, counter(sum));
            add(s, name + "_max", labels, constant(max));
        }

        private static void add(List<Map<String, String>> s, String name, String labels, String values) {
            s.add(Map.of("series", name + "{" + JOB + (labels.isEmpty() ? "" : "," + labels) + "}", "values", values));
        }
    }

    private static String numbered(List<String> queries) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < queries.size(); i++) {
            s.append("query ").append(i).append(": ").append(queries.get(i).replace('\n', ' ')).append('\n');
        }
        return s.toString();
    }

    private static List<JsonNode> panelNodes() {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : dashboard.json().path("panels")) {
            (p.path("type").asText().equals("row") ? p.path("panels") : List.of(p)).forEach(out::add);
        }
        return out;
    }

    private static List<JsonNode> rows() {
        List<JsonNode> out = new ArrayList<>();
        dashboard.json().path("panels").forEach(p -> {
            if (p.path("type").asText().equals("row")) {
                out.add(p);
            }
        });
        return out;
    }

    private static String datasource(JsonNode node) {
        return node.path("datasource").path("type").asText() + " " + node.path("datasource").path("uid").asText();
    }

    private static String title(JsonNode panel) {
        return panel.path("type").asText() + " '" + panel.path("title").asText() + "'";
    }

    private static Metric gauge(String name, String... labels) {
        return new Metric(name, Kind.GAUGE, Set.of(labels));
    }
}
