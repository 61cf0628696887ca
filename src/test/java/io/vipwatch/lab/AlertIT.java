package io.vipwatch.lab;

import static io.vipwatch.lab.Lab.RW;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.vipwatch.testing.HookReceiver;
import io.vipwatch.testing.LoopbackServer;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Alerts from {@code vipwatch run} in the lab, to real receivers: GreenMail (SMTP with a password), an HTTP listener
 * (generic webhook with a token header) and the real Alertmanager, which forwards what it gets to the same listener.
 * Each test starts its service with its own state directory, so no outbox or alert book leaks between tests.
 */
class AlertIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String SMTP_USER = "vipwatch";
    private static final String SMTP_PASSWORD = "smtp-Pa55-never-shown";
    private static final String HOOK_TOKEN = "hook-T0ken-never-shown";

    private final List<AutoCloseable> started = new ArrayList<>();
    private Path state;
    private HookReceiver hooks;
    private int smtpPort;

    @BeforeEach
    void setUp() throws Exception {
        Lab.heal();
        hooks = new HookReceiver();
        started.add(hooks);
        try (ServerSocket s = new ServerSocket(0)) {
            smtpPort = s.getLocalPort();
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
        Lab.heal();
    }

    private GreenMail smtp() {
        GreenMail mail = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.setUser("vipwatch@lab.test", SMTP_USER, SMTP_PASSWORD);
        mail.start();
        started.add(mail::stop);
        return mail;
    }

    /** channels.yml with mail and hook (and am when given), all the defaults of the bundled rules. */
    private Map<String, String> alertConfig(String name, String alertmanagerUrl, String delivery) throws Exception {
        state = Lab.DIR.resolve(name + "-state");
        deleteTree(state);
        Files.writeString(Lab.DIR.resolve(name + "-smtp.pw"), SMTP_PASSWORD + "\n");
        Files.writeString(Lab.DIR.resolve(name + "-hook.token"), "Bearer " + HOOK_TOKEN + "\n");
        String channels = """
                defaults:
                  channels: [mail, hook%s]
                %s
                channels:
                  mail:
                    type: email
                    host: 127.0.0.1
                    port: %d
                    security: none
                    username: %s
                    password_file: %s-smtp.pw
                    from: vipwatch@lab.test
                    to: [dba@lab.test]
                    html: true
                    connect_timeout: 2s
                    timeout: 5s
                  hook:
                    type: webhook
                    url: %s
                    headers:
                      Authorization: { file: %s-hook.token }
                    timeout: 3s
                """.formatted(alertmanagerUrl == null ? "" : ", am", delivery, smtpPort, SMTP_USER, name,
                hooks.url("/hook"), name);
        if (alertmanagerUrl != null) {
            channels += """
                      am:
                        type: webhook
                        format: alertmanager
                        url: %s
                        repeat_interval: 10m
                        timeout: 3s
                    """.formatted(alertmanagerUrl);
        }
        Files.writeString(Lab.DIR.resolve(name + "-channels.yml"), channels);
        return Map.of("probes:\n", "alerts:\n  channels: " + name + "-channels.yml\n"
                + "  external_url: http://127.0.0.1:9174\nstate_dir: " + state + "\nprobes:\n");
    }

    @Test
    void aDeletedVipGivesOneFiringAndOneResolvedMessageOnEveryChannelWithTheRepairInTheFiringOne()
            throws Exception {
        GreenMail mail = smtp();
        LoopbackServer am = LoopbackServer.alertmanager(Lab.DIR.resolve("alertit-am"),
                LoopbackServer.forwardingConfig(hooks.url("/from-alertmanager")));
        started.add(am);
        Service service = Service.start("alertit", 9174, alertConfig("alertit", am.url(), ""));
        started.add(service);

        long faultAt = System.nanoTime();
        Lab.fault("vip-del", "db1", RW);
        await("a firing e-mail", () -> mail.getReceivedMessages().length >= 1, service);
        long firingMs = (System.nanoTime() - faultAt) / 1_000_000;
        await("a firing and a resolved e-mail", () -> mail.getReceivedMessages().length >= 2, service);
        long resolvedMs = (System.nanoTime() - faultAt) / 1_000_000;
        // for the record (not a speed test): how long people wait for the news
        System.out.printf("AlertIT: VIP deleted -> firing e-mail in %d ms, resolved e-mail in %d ms%n", firingMs,
                resolvedMs);
        await("a firing and a resolved webhook", () -> hooks.accepted("/hook").size() >= 2, service);
        await("Alertmanager forwarding vip-missing firing and then resolved",
                () -> statuses(hooks.accepted("/from-alertmanager")).containsAll(List.of("firing", "resolved")),
                service);
        // Nothing more may follow: let the service run a few more cycles, then count.
        long cycles = Lab.vip(service.status(), "rw").get("cycles").asLong();
        service.await("three more cycles", DEADLINE,
                s -> Lab.vip(s.status(), "rw").get("cycles").asLong() >= cycles + 3);
        await("the outbox empty", () -> service.status().get("alerts").get("pending").asInt() == 0, service);

        MimeMessage[] mails = mail.getReceivedMessages();
        assertThat(mails).hasSize(2);
        assertThat(mails[0].getSubject()).isEqualTo("[vipwatch] FIRING lab/rw " + RW + ": vip-missing");
        assertThat(mails[1].getSubject()).isEqualTo("[vipwatch] RESOLVED lab/rw " + RW + ": vip-missing");
        String firing = GreenMailUtil.getBody(mails[0]);
        assertThat(firing).contains("FIRING vip-missing [critical]: the VIP is on no host", "holders: none",
                "Repair restore-vip: succeeded", "add-vip on db1: ok", "runbook:");
        assertThat(mails[0].getHeader("X-Vipwatch-Notification-Id")).hasSize(1);
        assertThat(mails[1].getHeader("X-Vipwatch-Notification-Id")[0])
                .isNotEqualTo(mails[0].getHeader("X-Vipwatch-Notification-Id")[0]);

        List<HookReceiver.Request> posts = hooks.accepted("/hook");
        assertThat(posts).hasSize(2);
        JsonNode first = JSON.readTree(posts.get(0).body());
        JsonNode second = JSON.readTree(posts.get(1).body());
        assertThat(first.get("status").asText()).isEqualTo("firing");
        assertThat(first.get("alerts").get(0).get("rule").asText()).isEqualTo("vip-missing");
        assertThat(first.get("repair").get("result").asText()).isEqualTo("succeeded");
        assertThat(second.get("status").asText()).isEqualTo("resolved");
        assertThat(posts.get(0).headers().get("authorization")).isEqualTo("Bearer " + HOOK_TOKEN);
        assertThat(posts.get(0).headers().get("x-vipwatch-notification-id")).isEqualTo(first.get("id").asText());

        List<HookReceiver.Request> forwarded = hooks.accepted("/from-alertmanager");
        JsonNode amAlert = JSON.readTree(forwarded.get(0).body()).get("alerts").get(0);
        assertThat(amAlert.get("labels").get("alertname").asText()).isEqualTo("vip-missing");
        assertThat(amAlert.get("labels").get("cluster").asText()).isEqualTo("lab");
        assertThat(amAlert.get("labels").get("vip").asText()).isEqualTo("rw");
        assertThat(statuses(forwarded)).containsExactly("firing", "resolved");

        assertNoSecretIn(service, mails, posts, forwarded);
    }

    /**
     * SMTP down and the webhook answering 500 for 60 s; vipwatch killed with SIGKILL in the middle of it and
     * restarted: once both are back, every notification arrives, once.
     */
    @Test
    void outagesOfSixtySecondsAndAKill9LoseNothing() throws Exception {
        hooks.answer(500);
        Instant outageStart = Instant.now();
        Service first = Service.start("alertout", 9175, alertConfig("alertout", null,
                "delivery: { initial_backoff: 1s, max_backoff: 4s, max_age: 1h }"));
        started.add(first);
        Lab.fault("vip-del", "db1", RW);
        first.await("firing and resolved queued for both channels", DEADLINE,
                s -> s.status().get("alerts").get("pending").asInt() >= 4);
        await("the webhook retried", () -> hooks.requests().size() >= 2, first);
        assertThat(first.status().get("alerts").get("channels").get("mail").get("last_error").asText())
                .isNotEmpty();
        first.kill();

        Service second = first.restart();
        started.add(second);
        assertThat(second.status().get("alerts").get("pending").asInt()).as("pending after the restart")
                .isEqualTo(4);
        Duration left = Duration.ofSeconds(60).minus(Duration.between(outageStart, Instant.now()));
        if (!left.isNegative()) {
            Thread.sleep(left.toMillis()); // the outage itself lasts 60 s: this is the fault, not a wait for one
        }
        assertThat(second.process.isAlive()).isTrue();
        assertThat(second.status().get("alerts").get("pending").asInt()).isEqualTo(4);

        GreenMail mail = smtp();
        hooks.answer(200);
        await("both e-mails", () -> mail.getReceivedMessages().length >= 2, second);
        await("both webhooks", () -> hooks.accepted("/hook").size() >= 2, second);
        await("the outbox empty", () -> second.status().get("alerts").get("pending").asInt() == 0, second);

        MimeMessage[] mails = mail.getReceivedMessages();
        assertThat(mails).extracting(MimeMessage::getSubject).containsExactly(
                "[vipwatch] FIRING lab/rw " + RW + ": vip-missing", "[vipwatch] RESOLVED lab/rw " + RW + ": vip-missing");
        List<String> statuses = new ArrayList<>();
        for (HookReceiver.Request r : hooks.accepted("/hook")) {
            statuses.add(JSON.readTree(r.body()).get("status").asText());
        }
        assertThat(statuses).containsExactly("firing", "resolved");
        JsonNode hook = second.status().get("alerts").get("channels").get("hook");
        assertThat(hook.get("delivered").asInt()).isEqualTo(2);
        assertThat(hook.get("failed").asInt()).isZero();
    }

    /**
     * A silence on rw: the deleted VIP stays deleted (no repair, no message) while it lasts; when it ends on time,
     * vipwatch repairs and sends one firing and one resolved message.
     */
    @Test
    void aSilenceSuspendsAlertsAndRepairsAndExpiresOnTime() throws Exception {
        GreenMail mail = smtp();
        Service service = Service.start("alertsil", 9176, alertConfig("alertsil", null, ""));
        started.add(service);
        Lab.Run add = Lab.vipwatch("silence", "add", "--config", service.config.toString(), "--cluster", "lab",
                "--vip", "rw", "--for", "1m", "--reason", "planned MHA switch");
        assertThat(add.exit()).as(add.stderr()).isZero();
        service.await("rw silenced in the status API", DEADLINE,
                s -> Lab.vip(s.status(), "rw").get("silence").hasNonNull("id"));
        JsonNode silence = Lab.vip(service.status(), "rw").get("silence");
        assertThat(add.stdout()).contains(silence.get("id").asText());
        assertThat(silence.get("reason").asText()).isEqualTo("planned MHA switch");
        assertThat(Lab.vip(service.status(), "ro").get("silence").isNull()).as("ro is not silenced").isTrue();
        Instant until = Instant.parse(silence.get("until").asText());

        Lab.fault("vip-del", "db1", RW);
        service.await("vip-missing active", DEADLINE, s -> Lab.problemNames(Lab.vip(s.status(), "rw"))
                .contains("vip-missing") && Lab.vip(s.status(), "rw").get("active_problems").size() > 0);
        long cycles = Lab.vip(service.status(), "rw").get("cycles").asLong();
        service.await("three more cycles", DEADLINE,
                s -> Lab.vip(s.status(), "rw").get("cycles").asLong() >= cycles + 3);
        assertThat(Instant.now()).as("the test's own pace: still inside the silence").isBefore(until);
        assertThat(Lab.holds("db1", RW)).as("not repaired during the silence").isFalse();
        assertThat(service.audit()).as("no repair during the silence").isEmpty();
        assertThat(mail.getReceivedMessages()).isEmpty();
        assertThat(hooks.requests()).isEmpty();

        service.await("rw back on db1 after the silence", Duration.ofSeconds(90), s -> Lab.holds("db1", RW));
        Instant firstStep = Instant.parse(service.audit().get(0).get("time").asText());
        assertThat(firstStep).as("the repair waited for the silence's end").isAfterOrEqualTo(until);
        assertThat(Duration.between(until, firstStep)).as("and came right after it").isLessThan(Duration.ofSeconds(5));
        await("a firing and a resolved e-mail", () -> mail.getReceivedMessages().length >= 2, service);
        await("a firing and a resolved webhook", () -> hooks.accepted("/hook").size() >= 2, service);
        assertThat(mail.getReceivedMessages()).extracting(MimeMessage::getSubject).containsExactly(
                "[vipwatch] FIRING lab/rw " + RW + ": vip-missing", "[vipwatch] RESOLVED lab/rw " + RW + ": vip-missing");
        assertThat(Lab.vip(service.status(), "rw").get("silence").isNull()).isTrue();
    }

    private static List<String> statuses(List<HookReceiver.Request> forwarded) {
        List<String> out = new ArrayList<>();
        for (HookReceiver.Request r : forwarded) {
            try {
                out.add(JSON.readTree(r.body()).get("status").asText());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        return out;
    }

    /** No SMTP password, webhook token or MySQL password in messages, the log or the status API. */
    private static void assertNoSecretIn(Service service, MimeMessage[] mails, List<HookReceiver.Request> posts,
                                         List<HookReceiver.Request> forwarded) throws Exception {
        String mysqlPassword = Files.readString(Lab.DIR.resolve("mysql.pw")).strip();
        List<String> texts = new ArrayList<>();
        for (MimeMessage m : mails) {
            texts.add(GreenMailUtil.getWholeMessage(m));
        }
        posts.forEach(p -> texts.add(p.body()));
        forwarded.forEach(p -> texts.add(p.body()));
        texts.add(Files.readString(service.log));
        texts.add(service.status().toString());
        for (String text : texts) {
            assertThat(text).doesNotContain(SMTP_PASSWORD, HOOK_TOKEN, mysqlPassword);
        }
    }

    private static void await(String what, BooleanSupplier condition, Service service) {
        service.await(what, DEADLINE, s -> condition.getAsBoolean());
    }

    static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static Instant parse(JsonNode n) {
        return Instant.parse(n.asText());
    }
}
