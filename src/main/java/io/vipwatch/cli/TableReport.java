package io.vipwatch.cli;

import io.vipwatch.config.HolderPolicy;
import io.vipwatch.probe.ArpView;
import io.vipwatch.probe.Location;
import io.vipwatch.probe.Observed;
import io.vipwatch.probe.PingReply;
import io.vipwatch.probe.SqlReply;
import io.vipwatch.probe.VipFacts;
import io.vipwatch.report.CheckedVip;
import io.vipwatch.report.Text;
import io.vipwatch.rule.Problem;
import io.vipwatch.state.HandedOver;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The human report of {@code check}: one line per VIP, then each problem with the evidence behind it. */
final class TableReport {
    private static final String[] HEADER = {"VIP", "ADDRESS", "EXPECTED", "HOLDERS", "PING", "ARP", "L2 MACS", "SQL",
        "STATUS"};

    private TableReport() {
    }

    /**
     * Who should hold the VIP this cycle (for {@code writable}: the master); {@code (writable?)} when unknown, and
     * {@code db2 (handover)} when a failover manager's handover decided it.
     */
    private static String expected(VipFacts f) {
        Optional<String> host = f.expectedHolder();
        if (host.isEmpty()) {
            return "(" + f.vip().policy().label() + (f.vip().policy().kind() == HolderPolicy.Kind.ANY ? ")" : "?)");
        }
        boolean handed = f.handover().map(HandedOver::host).equals(host);
        return host.get() + (handed ? " (handover)" : "");
    }

    static void render(PrintWriter out, Path config, List<CheckedVip> results, Duration elapsed) {
        out.printf("vipwatch check: %d VIP(s) from %s, probed in %d ms%n%n", results.size(), config, elapsed.toMillis());
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (CheckedVip r : results) {
            VipFacts f = r.facts();
            int n = r.evaluation().problems().size();
            rows.add(new String[] {
                f.cluster() + "/" + f.vip().name(),
                f.vip().address().toString(),
                expected(f),
                holders(f.location()),
                ping(f.ping()),
                arp(f.arp()),
                f.l2Macs().known() ? Integer.toString(f.l2Macs().value().size()) : "?",
                sql(f.sql()),
                n == 0 ? "ok" : n + " problem" + (n > 1 ? "s" : "")});
        }
        Text.columns(out, rows);
        boolean any = false;
        for (CheckedVip r : results) {
            for (Problem p : r.evaluation().problems()) {
                if (!any) {
                    out.printf("%nProblems:%n");
                    any = true;
                }
                out.printf("  %-10s %-8s %-18s %s%s%n", r.facts().cluster() + "/" + r.facts().vip().name(),
                        p.severity().label().toUpperCase(Locale.ROOT), p.name(),
                        p.hosts().isEmpty() ? "" : "[" + String.join(", ", p.hosts()) + "] ", p.summary());
                evidence(r.facts(), p).forEach(line -> out.printf("  %-10s %s%n", "", "  " + line));
            }
        }
        List<String> undecided = new ArrayList<>();
        for (CheckedVip r : results) {
            if (!r.evaluation().undecided().isEmpty()) {
                undecided.add(r.facts().cluster() + "/" + r.facts().vip().name() + ": "
                        + String.join(", ", r.evaluation().undecided()));
            }
        }
        if (!undecided.isEmpty()) {
            out.printf("%nUndecided (a fact they need is unknown this cycle): %s%n", String.join("; ", undecided));
        }
        long bad = results.stream().filter(r -> !r.evaluation().healthy()).count();
        out.printf("%n%s%n", bad == 0 ? "All " + results.size() + " VIP(s) healthy."
                : bad + " of " + results.size() + " VIP(s) have problems.");
    }

    /** The facts behind a problem, in the words an operator would check them with. */
    private static List<String> evidence(VipFacts f, Problem p) {
        List<String> lines = new ArrayList<>();
        Location loc = f.location();
        for (String host : p.hosts()) {
            if (loc.hostDetails().containsKey(host)) {
                lines.add(host + ": " + loc.hostDetails().get(host));
            } else if (loc.holderMacs().containsKey(host)) {
                lines.add(host + " carries it on " + loc.holderInterfaces().get(host) + " (" + loc.holderMacs().get(host) + ")");
            }
        }
        switch (p.name()) {
            case "duplicate-holders" -> f.l2Macs().get().ifPresent(m -> lines.add("ARP replies from: " + String.join(", ", m)));
            case "arp-stale" -> f.arp().forEach(a -> a.entry().get().ifPresent(e -> lines.add(a.vantage()
                    + " has " + e.mac() + " " + e.state() + ", holder is " + f.rightfulMac().orElse("?"))));
            case "ping-failed" -> lines.add(f.ping().get().map(PingReply::detail).orElse(f.ping().detail()));
            case "sql-failed", "sql-wrong-server" -> f.sql().get().ifPresent(s -> lines.add(
                    s.ok() ? "answered by " + s.identity() + (s.note().isEmpty() ? "" : "; " + s.note()) : s.error()));
            default -> {
            }
        }
        return lines;
    }

    private static String holders(Location loc) {
        String seen = loc.holders().isEmpty() ? "-" : String.join(",", loc.holders());
        return loc.complete() ? seen : seen + " (?" + String.join(",", loc.unreachable()) + ")";
    }

    private static String ping(Observed<PingReply> o) {
        if (!o.known()) {
            return "?";
        }
        return o.value().ok() ? String.format(Locale.ROOT, "%.2f ms", o.value().rttMs()) : "FAIL";
    }

    private static String arp(List<ArpView> views) {
        if (views.isEmpty() || !views.get(0).entry().known()) {
            return "?";
        }
        var e = views.get(0).entry().value();
        return e.mac().isEmpty() ? e.state() : e.mac() + " " + e.state();
    }

    private static String sql(Observed<SqlReply> o) {
        if (!o.known()) {
            return "?";
        }
        SqlReply s = o.value();
        if (!s.ok()) {
            return s.timedOut() ? "TIMEOUT" : "FAIL";
        }
        String who = s.server() == null ? "?" : s.server().isEmpty() ? "foreign" : s.server();
        return String.format(Locale.ROOT, "%s %.1f ms", who, s.latencyMs());
    }
}
