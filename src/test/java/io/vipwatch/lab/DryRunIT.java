package io.vipwatch.lab;

import static io.vipwatch.lab.Lab.RW;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code vipwatch run --dry-run}: the same plan is audited, nothing is executed on any host. */
class DryRunIT {
    @Test
    void plansAndAuditsTheRepairButChangesNothing() throws Exception {
        Lab.heal();
        try (Service service = Service.start("dryrun", 9172, Map.of(), "--dry-run")) {
            Lab.fault("vip-del", "db1", RW);
            service.await("a whole dry-run restore-vip in the audit log", Duration.ofSeconds(20),
                    s -> lastDryAdd(restoreVip(s)) >= 0 && restoreVip(s).size() >= lastDryAdd(restoreVip(s)) + 5);
            List<JsonNode> plan = restoreVip(service);
            // A dry run may also refuse (e.g. while the evidence is still settling), exactly as a real run would;
            // it never reports a command as run.
            assertThat(plan).allSatisfy(a -> {
                assertThat(a.get("dry_run").asBoolean()).isTrue();
                assertThat(a.get("result").asText()).isIn("dry-run", "skipped", "refused");
                assertThat(a.get("exit_code").isNull()).isTrue();
            });
            // The run that got through to add-vip: every step, with the exact command a real run executes.
            int add = lastDryAdd(plan);
            List<String> run = plan.subList(add - 2, add + 5).stream()
                    .map(a -> a.get("step").asText() + " " + a.get("host").asText() + " " + a.get("command").asText())
                    .toList();
            String u = "timeout -s INT 0.2 arping -q -c 1 -U -I eth0 " + RW + "; echo vipwatch-rc=$?";
            String a = "timeout -s INT 0.2 arping -q -c 1 -A -I eth0 " + RW + "; echo vipwatch-rc=$?";
            assertThat(run).containsExactly(
                    "check-link db1 ",
                    "guard-no-other-mac db1 timeout -s INT 0.15 arping -D -c 2 -w 1 -I eth0 " + RW,
                    "add-vip db1 ip addr add " + RW + "/25 dev eth0",
                    "announce db1 " + u + "; " + a,
                    "announce db1 " + u + "; " + a,
                    "announce db1 " + u,
                    "verify db1 ");
            assertThat(service.status().get("dry_run").asBoolean()).isTrue();
            for (String host : List.of("db1", "db2", "db3")) {
                assertThat(Lab.holds(host, RW)).as(host).isFalse();
            }
        } finally {
            Lab.heal();
        }
    }

    private static List<JsonNode> restoreVip(Service s) {
        return s.audit().stream().filter(a -> a.get("plan").asText().equals("restore-vip")).toList();
    }

    /** Index of the last dry-run add-vip line, or -1. */
    private static int lastDryAdd(List<JsonNode> plan) {
        int add = -1;
        for (int i = 0; i < plan.size(); i++) {
            if (plan.get(i).get("step").asText().equals("add-vip") && plan.get(i).get("result").asText().equals("dry-run")) {
                add = i;
            }
        }
        return add;
    }
}
