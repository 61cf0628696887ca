package io.vipwatch.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vipwatch.config.AlertChannel;
import io.vipwatch.config.ConfigException;
import io.vipwatch.config.Origin;
import io.vipwatch.config.Secret;
import io.vipwatch.repair.RepairOutcome;
import io.vipwatch.repair.StepRecord;
import io.vipwatch.rule.Evaluation;
import io.vipwatch.rule.Facts;
import io.vipwatch.rule.Severity;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotificationFactoryTest {
    private static final Instant SINCE = Instant.parse("2026-11-25T03:00:00Z");
    private static final Instant AT = SINCE.plusSeconds(75);
    private static final Origin ORIGIN = new Origin(Path.of("channels.yml"), 1);
    private static final AlertChannel.Email MAIL = new AlertChannel.Email("mail", ORIGIN, Optional.empty(),
            "127.0.0.1", 25, AlertChannel.Security.NONE, Optional.empty(), Optional.empty(), "vw@example.com",
            List.of("dba@example.com"), List.of(), true, Duration.ofSeconds(5), Duration.ofSeconds(5),
            Optional.empty());
    private static final AlertChannel.Webhook HOOK = new AlertChannel.Webhook("hook", ORIGIN, Optional.empty(),
            URI.create("http://127.0.0.1:1/hook"), AlertChannel.Format.GENERIC,
            Map.of("X-Token", new Secret("s3cret", "test")), Duration.ofSeconds(5), Optional.empty());
    private static final AlertChannel.Webhook AM = new AlertChannel.Webhook("am", ORIGIN,
            Optional.of(Duration.ofMinutes(1)), URI.create("http://127.0.0.1:9093"), AlertChannel.Format.ALERTMANAGER,
            Map.of(), Duration.ofSeconds(5), Optional.empty());

    private final NotificationFactory factory = new NotificationFactory(Templates.bundled(),
            Optional.of(URI.create("http://vipwatch.example:9107/api/status")), channel -> Duration.ofMinutes(1),
            "1.2.3", "watch1");

    private static AlertMessage message(String channel, AlertEvent.Kind kind, Optional<RepairOutcome> repair) {
        AlertEvent event = new AlertEvent(channel, kind, "lab", "rw", "vip-missing", SINCE, AT);
        return new AlertMessage(channel, "lab", "rw", "198.51.100.100", AT,
                List.of(new AlertMessage.Item(event, Severity.CRITICAL, "the VIP is on no host", List.of("db1"),
                        "repair restore-vip: succeeded", Optional.of("check who removed it: journalctl on db1"))),
                new Facts().holders().sqlFailed("Communications link failure <&>").build(),
                new Evaluation(List.of(), List.of()), repair, Optional.empty());
    }

    private static Optional<RepairOutcome> restored() {
        return Optional.of(new RepairOutcome(RepairOutcome.Result.SUCCEEDED, "restore-vip", List.of(
                new StepRecord("add-vip", "db1", "ip addr add 198.51.100.100/24 dev eth1", 0, "", Duration.ofMillis(40),
                        StepRecord.OK, "added"),
                new StepRecord("announce", "db1", "arping -A -c 2 -I eth1 198.51.100.100", 0, "",
                        Duration.ofMillis(1010), StepRecord.OK, "2 gratuitous ARP")),
                "verified", Duration.ofMillis(1200), AT));
    }

    @Test
    void anEmailSaysWhatWhereSinceTheFactsAndWhatVipwatchDid() {
        Notification n = factory.render(MAIL, message("mail", AlertEvent.Kind.FIRING, restored()));
        assertThat(n.subject()).isEqualTo("[vipwatch] FIRING lab/rw 198.51.100.100: vip-missing");
        assertThat(n.text()).contains("FIRING vip-missing [critical]: the VIP is on no host",
                "since 2026-11-25 03:00:00 UTC (1m 15s)", "hosts: db1", "vipwatch: repair restore-vip: succeeded",
                "runbook: check who removed it", "holders: none", "SQL through the VIP: failed: Communications "
                        + "link failure <&>", "Repair restore-vip: succeeded in 1200 ms",
                "1. add-vip on db1: ok, exit 0, 40 ms: added", "$ ip addr add 198.51.100.100/24 dev eth1",
                "Status: http://vipwatch.example:9107/api/status", n.id());
        assertThat(n.html()).hasValueSatisfying(html -> assertThat(html)
                .contains("link failure &lt;&amp;&gt;").doesNotContain("<&>"));
    }

    @Test
    void theIdIsStableForTheSameNewsAndDiffersForOtherNews() {
        Notification a = factory.render(MAIL, message("mail", AlertEvent.Kind.FIRING, restored()));
        Notification again = factory.render(MAIL, message("mail", AlertEvent.Kind.FIRING, Optional.empty()));
        Notification resolved = factory.render(MAIL, message("mail", AlertEvent.Kind.RESOLVED, Optional.empty()));
        assertThat(again.id()).isEqualTo(a.id());
        assertThat(resolved.id()).isNotEqualTo(a.id());
        assertThat(resolved.subject()).startsWith("[vipwatch] RESOLVED");
    }

    @Test
    void theGenericWebhookDocumentCarriesAlertsFactsAndRepairButNoHeaderSecret() throws Exception {
        Notification n = factory.render(HOOK, message("hook", AlertEvent.Kind.FIRING, restored()));
        JsonNode doc = new ObjectMapper().readTree(n.json());
        assertThat(doc.path("id").asText()).isEqualTo(n.id());
        assertThat(doc.path("status").asText()).isEqualTo("firing");
        assertThat(doc.path("alerts").get(0).path("rule").asText()).isEqualTo("vip-missing");
        assertThat(doc.path("alerts").get(0).path("since").asText()).isEqualTo(SINCE.toString());
        assertThat(doc.path("facts").path("holders").size()).isZero();
        assertThat(doc.path("repair").path("steps").get(1).path("command").asText()).startsWith("arping -A");
        assertThat(doc.path("text").asText()).contains("FIRING vip-missing");
        assertThat(n.json()).doesNotContain("s3cret");
    }

    @Test
    void alertmanagerAlertsAreLabelledAndEndAheadWhileFiringAndAtTheResolution() throws Exception {
        JsonNode firing = new ObjectMapper().readTree(factory.render(AM,
                message("am", AlertEvent.Kind.FIRING, Optional.empty())).json());
        assertThat(firing.isArray()).isTrue();
        JsonNode a = firing.get(0);
        assertThat(a.path("labels").path("alertname").asText()).isEqualTo("vip-missing");
        assertThat(a.path("labels").path("cluster").asText()).isEqualTo("lab");
        assertThat(a.path("labels").path("severity").asText()).isEqualTo("critical");
        assertThat(a.path("startsAt").asText()).isEqualTo(SINCE.toString());
        assertThat(Instant.parse(a.path("endsAt").asText())).isEqualTo(AT.plus(Duration.ofMinutes(4)));
        assertThat(a.path("generatorURL").asText()).isEqualTo("http://vipwatch.example:9107/api/status");

        JsonNode resolved = new ObjectMapper().readTree(factory.render(AM,
                message("am", AlertEvent.Kind.RESOLVED, Optional.empty())).json());
        assertThat(resolved.get(0).path("endsAt").asText()).isEqualTo(AT.toString());
    }

    @Test
    void aTemplateDirectoryOverridesFileByFileAndABrokenTemplateIsAConfigError(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("email-subject.mustache"), "VIP {{vip}} {{status}}");
        Templates own = Templates.load(Optional.of(dir));
        Notification n = new NotificationFactory(own, Optional.empty(), c -> Duration.ofHours(4), "1", "w")
                .render(MAIL, message("mail", AlertEvent.Kind.FIRING, Optional.empty()));
        assertThat(n.subject()).isEqualTo("VIP rw FIRING");
        assertThat(n.text()).contains("FIRING vip-missing"); // bundled body

        Files.writeString(dir.resolve("email-text.mustache"), "line one\n{{#items}}\n{{rule}}\n");
        assertThatThrownBy(() -> Templates.load(Optional.of(dir))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("email-text.mustache");
    }
}
