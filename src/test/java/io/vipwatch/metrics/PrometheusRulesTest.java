package io.vipwatch.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Prometheus alerting rules ({@code alerts/prometheus-rules.yml}) through the real promtool: they load, their
 * unit tests ({@code alerts/prometheus-rules.test.yml}) pass, every alert has a case where it fires and one where
 * it does not, and every alert carries what the person paged needs: a {@code for}, a severity, a summary and a
 * description, and a runbook link to a heading of the README.
 */
class PrometheusRulesTest {
    static final Path RULES = Path.of("alerts/prometheus-rules.yml");
    static final Path RULE_TESTS = Path.of("alerts/prometheus-rules.test.yml");
    static final String RUNBOOK = "https://github.com/vipwatch/vipwatch/blob/main/README.md#";
    private static final Duration PROMTOOL_TIMEOUT = Duration.ofSeconds(60);

    @Test
    void promtoolAcceptsTheRules() throws Exception {
        Run check = promtool("check", "rules", RULES.toString());
        assertThat(check.exit()).as(check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS: " + alerts().size() + " rules found");
    }

    @Test
    void theRulesPassTheirUnitTests() throws Exception {
        Run test = promtool("test", "rules", RULE_TESTS.toString());
        assertThat(test.exit()).as(test.output()).isZero();
        assertThat(test.output()).contains("SUCCESS");
    }

    @Test
    void everyAlertHasAFiringAndAQuietCase() throws Exception {
        Set<String> firing = new TreeSet<>();
        Set<String> quiet = new TreeSet<>();
        for (Map<String, Object> test : list(yaml(RULE_TESTS).get("tests"))) {
            for (Map<String, Object> c : list(test.get("alert_rule_test"))) {
                List<Map<String, Object>> expected = c.get("exp_alerts") == null ? List.of() : list(c.get("exp_alerts"));
                (expected.isEmpty() ? quiet : firing).add((String) c.get("alertname"));
            }
        }
        Set<String> names = new TreeSet<>(alerts().stream().map(a -> (String) a.get("alert")).toList());
        assertThat(firing).as("alerts with a case where they fire").containsAll(names);
        assertThat(quiet).as("alerts with a case where they do not fire").containsAll(names);
        assertThat(names).as("test cases name only alerts of the rules file").containsAll(firing).containsAll(quiet);
    }

    @Test
    void everyAlertSaysHowLongHowBadWhatAndWhereToRead() throws Exception {
        for (Map<String, Object> alert : alerts()) {
            String name = (String) alert.get("alert");
            assertThat(alert.get("for")).as(name + ": for").isNotNull();
            Map<String, Object> labels = map(alert.get("labels"));
            assertThat(labels.get("severity")).as(name + ": severity").isIn("critical", "warning");
            Map<String, Object> annotations = map(alert.get("annotations"));
            assertThat(annotations.keySet()).as(name + ": annotations")
                    .containsExactlyInAnyOrder("summary", "description", "runbook_url");
            assertThat((String) annotations.get("description")).as(name + ": description").hasSizeGreaterThan(80);
            assertThat(annotations.get("runbook_url")).as(name + ": runbook_url")
                    .isEqualTo(RUNBOOK + name.toLowerCase(Locale.ROOT));
        }
    }

    /** GitHub makes an anchor of each heading; a runbook link to a heading that is not there lands on the top. */
    @Test
    void everyRunbookLinkLeadsToAReadmeHeading() throws Exception {
        Set<String> anchors = new TreeSet<>();
        for (String line : Files.readAllLines(Path.of("README.md"), StandardCharsets.UTF_8)) {
            if (line.startsWith("#")) {
                anchors.add(line.replaceFirst("^#+\\s*", "").strip().toLowerCase(Locale.ROOT)
                        .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
            }
        }
        List<String> missing = new ArrayList<>();
        for (Map<String, Object> alert : alerts()) {
            String url = (String) map(alert.get("annotations")).get("runbook_url");
            if (!anchors.contains(url.substring(url.indexOf('#') + 1))) {
                missing.add(url + " (a heading '" + alert.get("alert") + "')");
            }
        }
        assertThat(missing).as("runbook links without a README heading").isEmpty();
    }

    @Test
    void theRulesReadOnlyMetricsOfTheContract() throws Exception {
        Set<String> known = DashboardTest.sampleNames();
        Matcher m = Pattern.compile("\\bvipwatch_\\w+").matcher(Files.readString(RULES));
        Set<String> unknown = new TreeSet<>();
        while (m.find()) {
            if (!known.contains(m.group())) {
                unknown.add(m.group());
            }
        }
        assertThat(unknown).as("metric names outside the contract").isEmpty();
    }

    private static List<Map<String, Object>> alerts() throws IOException {
        List<Map<String, Object>> alerts = new ArrayList<>();
        for (Map<String, Object> group : list(yaml(RULES).get("groups"))) {
            alerts.addAll(list(group.get("rules")));
        }
        return alerts;
    }

    private static Map<String, Object> yaml(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file)) {
            return new Yaml().load(r);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object yaml) {
        return (List<Map<String, Object>>) yaml;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object yaml) {
        return (Map<String, Object>) yaml;
    }

    /** What promtool said: its exit code and its stdout and stderr together. */
    record Run(int exit, String output) {
    }

    /**
     * Runs promtool (from the PATH, or $PROMTOOL) in the project directory for at most {@code PROMTOOL_TIMEOUT};
     * fails the test when promtool is not installed (CI installs the Debian package prometheus, which brings it).
     */
    static Run promtool(String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>();
        argv.add(System.getenv().getOrDefault("PROMTOOL", "promtool"));
        argv.addAll(List.of(args));
        Path out = Files.createTempFile("promtool", ".out");
        try {
            Process p;
            try {
                p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            } catch (IOException e) {
                return fail("cannot run " + argv.get(0) + " (" + e.getMessage() + "): install the Debian package "
                        + "prometheus (apt-get install prometheus), as CI does, or set PROMTOOL to its path");
            }
            if (!p.waitFor(PROMTOOL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return fail(String.join(" ", argv) + " did not finish within " + PROMTOOL_TIMEOUT.toSeconds()
                        + " s; output so far:\n" + Files.readString(out));
            }
            return new Run(p.exitValue(), Files.readString(out));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
