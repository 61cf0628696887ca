package io.vipwatch.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.vipwatch.repair.RepairOutcome;
import io.vipwatch.rule.Facts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The metrics vipwatch exposes: values, lint-cleanliness by the real promtool, and bounded cardinality. */
class MetricsTest {
    private static final List<String> RULES = List.of("vip-missing", "duplicate-holders", "arp-stale");

    private static String[] hosts(int n) {
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            out[i] = "db" + (i + 1);
        }
        return out;
    }

    /** One cycle of each of {@code vips} VIPs over {@code hosts} hosts; every 3rd cycle with a fresh error text. */
    private static void cycles(Metrics m, int vips, int hosts, int cycles) {
        for (int c = 0; c < cycles; c++) {
            for (int v = 0; v < vips; v++) {
                Facts f = new Facts().vip("vip" + v).hosts(hosts(hosts));
                if (c % 3 == 1) {
                    f.sqlFailed("error number " + c + " from 198.51.100." + c).arpUnknown("timeout " + c);
                }
                if (c % 3 == 2) {
                    f.holders();
                }
                m.vipCycle(f.build(), RULES, c % 3 == 2 ? Set.of("vip-missing") : Set.of(), false,
                        Duration.ofMillis(400 + c));
                m.repair("lab", "vip" + v, new RepairOutcome(c % 2 == 0 ? RepairOutcome.Result.SUCCEEDED
                        : RepairOutcome.Result.FAILED, "restore-vip", List.of(), "detail " + c,
                        Duration.ofMillis(c), Instant.EPOCH));
            }
        }
    }

    /** The vipwatch_ series of a scrape (JVM and process metrics are the registry's own, fixed in number). */
    private static List<String> series(Metrics m) {
        return Arrays.stream(m.scrape().split("\n")).filter(l -> l.startsWith("vipwatch_")).toList();
    }

    @Test
    void aCycleSetsHolderProblemAndProbeValuesUnknownFactsAreNaN() {
        Metrics m = new Metrics("test");
        m.vipCycle(new Facts().holders("db1").build(), RULES, Set.of(), false, Duration.ofMillis(420));
        m.vipCycle(new Facts().vip("ro").holders().arpUnknown("ssh timeout").build(), RULES, Set.of("vip-missing"),
                true, Duration.ofMillis(420));
        String text = m.scrape();
        assertThat(text).contains("vipwatch_vip_holder{cluster=\"lab\",host=\"db1\",vip=\"rw\"} 1.0",
                "vipwatch_vip_holders{cluster=\"lab\",vip=\"ro\"} 0.0",
                "vipwatch_vip_expected_holder{cluster=\"lab\",host=\"db1\",vip=\"rw\"} 1.0",
                "vipwatch_problem_active{cluster=\"lab\",problem=\"vip-missing\",vip=\"ro\"} 1.0",
                "vipwatch_problem_active{cluster=\"lab\",problem=\"vip-missing\",vip=\"rw\"} 0.0",
                "vipwatch_arp_match{cluster=\"lab\",vantage=\"local\",vip=\"rw\"} 1.0",
                "vipwatch_arp_match{cluster=\"lab\",vantage=\"local\",vip=\"ro\"} NaN",
                "vipwatch_probe_success{cluster=\"lab\",probe=\"arp\",vip=\"ro\"} 0.0",
                "vipwatch_silenced{cluster=\"lab\",vip=\"ro\"} 1.0",
                "vipwatch_ping_rtt_seconds{cluster=\"lab\",vip=\"rw\"} 5.0E-5",
                "vipwatch_build_info{version=\"test\"} 1\n");
        assertThat(text).containsPattern("vipwatch_cycles_total\\{cluster=\"lab\",vip=\"rw\"} 1.0");
    }

    @Test
    void holderSeriesAreForHostsThatCarriedOrShouldCarryTheVipAndStayOnceThere() {
        Metrics m = new Metrics("test");
        m.vipCycle(new Facts().holders("db1").build(), RULES, Set.of(), false, Duration.ofMillis(1));
        assertThat(String.join("\n", series(m))).as("db2 and db3 never held rw nor were to")
                .doesNotContain("host=\"db2\",vip=\"rw\"", "host=\"db3\",vip=\"rw\"");
        m.vipCycle(new Facts().holders("db1", "db2").build(), RULES, Set.of(), false, Duration.ofMillis(1));
        assertThat(m.scrape()).contains("vipwatch_vip_holder{cluster=\"lab\",host=\"db2\",vip=\"rw\"} 1.0",
                "vipwatch_vip_expected_holder{cluster=\"lab\",host=\"db2\",vip=\"rw\"} 0.0");
        m.vipCycle(new Facts().holders("db1").unreachable("db3").build(), RULES, Set.of(), false, Duration.ofMillis(1));
        assertThat(m.scrape()).as("gone from db2: 0, not a gap")
                .contains("vipwatch_vip_holder{cluster=\"lab\",host=\"db2\",vip=\"rw\"} 0.0",
                        "vipwatch_host_up{cluster=\"lab\",host=\"db3\"} 0.0")
                .doesNotContain("host=\"db3\",vip=\"rw\"");
        m.vipCycle(new Facts().holders("db1").unreachable("db2").build(), RULES, Set.of(), false, Duration.ofMillis(1));
        assertThat(m.scrape()).contains("vipwatch_vip_holder{cluster=\"lab\",host=\"db2\",vip=\"rw\"} NaN");
    }

    @Test
    void theSeriesCountGrowsWithVipsAndHoldersNotWithIdleHostsTimeOrErrors() {
        int oneVip = seriesAfter(1, 3, 30);
        int twoVips = seriesAfter(2, 3, 30);
        int fourVips = seriesAfter(4, 3, 30);
        assertThat(fourVips - twoVips).as("linear in VIPs").isEqualTo(2 * (twoVips - oneVip));
        int fourHosts = seriesAfter(2, 4, 30);
        int fiveHosts = seriesAfter(2, 5, 30);
        // per added host that holds no VIP: only host_up for the cluster
        assertThat(fiveHosts - fourHosts).isEqualTo(1);
        assertThat(fourHosts - twoVips).isEqualTo(1);

        Metrics m = new Metrics("test");
        cycles(m, 2, 3, 10);
        int after10 = series(m).size();
        cycles(m, 2, 3, 200);
        assertThat(series(m)).as("no new series from time or from new error texts").hasSize(after10);
        assertThat(String.join("\n", series(m))).doesNotContain("198.51.100", "error number", "timeout");
    }

    @Test
    void aReloadDropsTheSeriesOfVipsHostsAndChannelsNoLongerConfigured() {
        Metrics m = new Metrics("test");
        cycles(m, 2, 3, 2);
        m.outboxPending(List.of("mail", "hook"), channel -> 0);
        m.retain(Set.of("lab/vip0"), Set.of("db1", "db2"), Set.of("mail"));
        String text = String.join("\n", series(m));
        assertThat(text).contains("vip=\"vip0\"", "host=\"db2\"", "channel=\"mail\"")
                .doesNotContain("vip=\"vip1\"", "host=\"db3\"", "channel=\"hook\"");
        cycles(m, 1, 2, 1);
        assertThat(String.join("\n", series(m))).as("values keep coming for what remains")
                .contains("vipwatch_cycles_total{cluster=\"lab\",vip=\"vip0\"} 3.0");
    }

    /** In a fleet: a VIP whose cycles moved to another instance keeps its history, not its last facts. */
    @Test
    void aVipRunningElsewhereLosesItsGaugesButKeepsItsCountersUntilItComesBack() {
        Metrics m = new Metrics("test");
        m.vipCycle(new Facts().holders().build(), RULES, Set.of("vip-missing"), false, Duration.ofMillis(1));
        m.vipCycle(new Facts().vip("ro").holders("db1").build(), RULES, Set.of(), false, Duration.ofMillis(1));
        m.beforeScrape(() -> m.forgetVip("lab", "rw"));
        String text = m.scrape();
        assertThat(text).doesNotContain("vipwatch_vip_holders{cluster=\"lab\",vip=\"rw\"}",
                        "vipwatch_problem_active{cluster=\"lab\",problem=\"vip-missing\",vip=\"rw\"}")
                .contains("vipwatch_cycles_total{cluster=\"lab\",vip=\"rw\"} 1.0",
                        "vipwatch_vip_holders{cluster=\"lab\",vip=\"ro\"} 1.0");
        m.beforeScrape(() -> { });
        m.vipCycle(new Facts().holders("db1").build(), RULES, Set.of(), false, Duration.ofMillis(1));
        assertThat(m.scrape()).as("back on this instance").contains(
                "vipwatch_vip_holders{cluster=\"lab\",vip=\"rw\"} 1.0",
                "vipwatch_problem_active{cluster=\"lab\",problem=\"vip-missing\",vip=\"rw\"} 0.0",
                "vipwatch_cycles_total{cluster=\"lab\",vip=\"rw\"} 2.0");
    }

    private static int seriesAfter(int vips, int hosts, int cycles) {
        Metrics m = new Metrics("test");
        cycles(m, vips, hosts, cycles);
        return series(m).size();
    }

    @Test
    void promtoolFindsNothingToLint() throws Exception {
        Metrics m = new Metrics("test");
        cycles(m, 2, 3, 5);
        m.sshReconnect("db1");
        m.alertDelivery("mail", "delivered");
        m.outboxPending(List.of("mail"), channel -> 2);
        Promtool.Result r = Promtool.checkMetrics(m.scrape());
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).as("lint findings").isBlank();
    }

    /** The real promtool, from the Debian package {@code prometheus}. */
    static final class Promtool {
        record Result(int exit, String output) {
        }

        static Result checkMetrics(String scrape) throws IOException, InterruptedException {
            Path promtool = Path.of("/usr/bin/promtool");
            assertThat(promtool).as("promtool (Debian package prometheus; lab/install-packages installs it)")
                    .isExecutable();
            Process p = new ProcessBuilder(List.of(promtool.toString(), "check", "metrics"))
                    .redirectErrorStream(true).start();
            try (var in = p.getOutputStream()) {
                in.write(scrape.getBytes(StandardCharsets.UTF_8));
            }
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("promtool finished").isTrue();
            return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
