package io.vipwatch.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.vipwatch.config.AlertChannel;
import io.vipwatch.config.AlertChannels;
import io.vipwatch.config.Origin;
import io.vipwatch.config.Secret;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Real SMTP: GreenMail on loopback, plain and SMTPS; STARTTLS through {@link StartTlsFront}. */
class EmailSenderTest {
    static final String USER = "vipwatch";
    static final String PASSWORD = "smtp-S3cret-pw";
    static final Instant CREATED = Instant.parse("2026-11-25T10:00:00Z");

    /** GreenMail's SMTPS reads its key store from these properties once, when its first TLS server starts. */
    static final TestCerts SERVER = serverCertificate();

    @RegisterExtension
    static final GreenMailExtension greenMail = new GreenMailExtension(
            ServerSetup.dynamicPort(new ServerSetup[] {ServerSetupTest.SMTP, ServerSetupTest.SMTPS}))
            .withConfiguration(GreenMailConfiguration.aConfig().withUser(USER, PASSWORD))
            .withPerMethodLifecycle(true);

    @TempDir
    Path dir;

    static TestCerts serverCertificate() {
        TestCerts certs = TestCerts.selfSigned("greenmail", "ip:127.0.0.1");
        System.setProperty("greenmail.tls.keystore.file", certs.keyStore().toString());
        System.setProperty("greenmail.tls.keystore.password", certs.password());
        return certs;
    }

    static AlertChannel.Email channel(AlertChannel.Security security, String host, int port, Optional<Path> ca,
                                      String password) {
        return new AlertChannel.Email("dba-mail", new Origin(Path.of("channels.yml"), 8), Optional.empty(), host,
                port, security, Optional.of(USER), Optional.of(new Secret(password, "test")), "vipwatch@example.com",
                List.of("dba@example.com"), List.of("oncall@example.com"), true, Duration.ofSeconds(2),
                Duration.ofSeconds(2), ca);
    }

    /** The same channel with other Cc recipients and both timeouts set to {@code timeout}. */
    static AlertChannel.Email with(AlertChannel.Email c, List<String> cc, Duration timeout) {
        return new AlertChannel.Email(c.name(), c.origin(), c.repeatInterval(), c.host(), c.port(), c.security(),
                c.username(), c.password(), c.from(), c.to(), cc, c.html(), timeout, timeout, c.caFile());
    }

    static Notification notification(String id, Optional<String> html) {
        return new Notification(id, "dba-mail", CREATED, "CRITICAL lab/rw: VIP missing — Größe ✓",
                "The VIP 198.51.100.100 is on no host.\n", html, "{}");
    }

    private int smtpPort() {
        return greenMail.getSmtp().getPort();
    }

    private static String raw(MimeMessage m) {
        return GreenMailUtil.getWholeMessage(m);
    }

    @Test
    void plainSmtpWithAuthDeliversBothPartsAndTheStableIds() throws Exception {
        new EmailSender(channel(AlertChannel.Security.NONE, "127.0.0.1", smtpPort(), Optional.empty(), PASSWORD))
                .send(notification("n-42", Optional.of("<p>The VIP is on <b>no</b> host.</p>")));

        MimeMessage[] received = greenMail.getReceivedMessages();
        assertThat(received).as("one copy for To, one for Cc").hasSize(2);
        MimeMessage m = received[0];
        assertThat(m.getSubject()).isEqualTo("CRITICAL lab/rw: VIP missing — Größe ✓");
        assertThat(m.getMessageID()).isEqualTo("<n-42@vipwatch>");
        assertThat(m.getHeader("X-Vipwatch-Notification-Id")).containsExactly("n-42");
        assertThat(m.getSentDate().toInstant()).isEqualTo(CREATED);
        assertThat(m.getFrom()[0].toString()).isEqualTo("vipwatch@example.com");
        assertThat(Arrays.stream(m.getAllRecipients()).map(Object::toString))
                .containsExactly("dba@example.com", "oncall@example.com");
        assertThat(m.getContentType()).startsWith("multipart/alternative");
        MimeMultipart parts = (MimeMultipart) m.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        assertThat(parts.getBodyPart(0).getContentType()).isEqualToIgnoringCase("text/plain; charset=UTF-8");
        assertThat(body(parts.getBodyPart(0).getContent())).isEqualTo("The VIP 198.51.100.100 is on no host.");
        assertThat(parts.getBodyPart(1).getContentType()).isEqualToIgnoringCase("text/html; charset=UTF-8");
        assertThat(parts.getBodyPart(1).getContent()).isEqualTo("<p>The VIP is on <b>no</b> host.</p>");
    }

    @Test
    void withoutHtmlTheMessageIsPlainUtf8Text() throws Exception {
        new EmailSender(channel(AlertChannel.Security.NONE, "127.0.0.1", smtpPort(), Optional.empty(), PASSWORD))
                .send(notification("n-plain", Optional.empty()));
        MimeMessage m = greenMail.getReceivedMessages()[0];
        assertThat(m.getContentType()).isEqualToIgnoringCase("text/plain; charset=UTF-8");
        assertThat(body(m.getContent())).isEqualTo("The VIP 198.51.100.100 is on no host.");
    }

    @Test
    void thePasswordNeverAppearsInTheMessage() throws Exception {
        new EmailSender(channel(AlertChannel.Security.NONE, "127.0.0.1", smtpPort(), Optional.empty(), PASSWORD))
                .send(notification("n-1", Optional.of("<p>x</p>")));
        String base64 = Base64.getEncoder().encodeToString(PASSWORD.getBytes(StandardCharsets.UTF_8));
        for (MimeMessage m : greenMail.getReceivedMessages()) {
            assertThat(raw(m)).contains("n-1@vipwatch").doesNotContain(PASSWORD, base64);
        }
    }

    @Test
    void aWrongPasswordIsRefusedAndNotQuoted() {
        String wrong = "wrong-Pa55";
        EmailSender sender = new EmailSender(channel(AlertChannel.Security.NONE, "127.0.0.1", smtpPort(),
                Optional.empty(), wrong));
        assertThatThrownBy(() -> sender.send(notification("n-1", Optional.empty())))
                .isInstanceOf(DeliveryException.class)
                .hasMessageStartingWith("e-mail channel dba-mail (127.0.0.1:" + smtpPort() + ", none): ")
                .hasMessageContaining("535")
                .hasMessageNotContaining(wrong);
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void smtpsWithTheSelfSignedCertificateAsCaFile() throws Exception {
        new EmailSender(channel(AlertChannel.Security.SMTPS, "127.0.0.1", greenMail.getSmtps().getPort(),
                Optional.of(SERVER.pem()), PASSWORD)).send(notification("n-tls", Optional.empty()));
        assertThat(greenMail.getReceivedMessages()).extracting(MimeMessage::getMessageID)
                .containsOnly("<n-tls@vipwatch>");
    }

    @Test
    void smtpsRefusesACertificateItWasNotToldToTrust() {
        TestCerts other = TestCerts.selfSigned("someone-else", "ip:127.0.0.1");
        for (Optional<Path> ca : List.of(Optional.of(other.pem()), Optional.<Path>empty())) {
            EmailSender sender = new EmailSender(channel(AlertChannel.Security.SMTPS, "127.0.0.1",
                    greenMail.getSmtps().getPort(), ca, PASSWORD));
            assertThatThrownBy(() -> sender.send(notification("n-1", Optional.empty())))
                    .isInstanceOf(DeliveryException.class)
                    .hasMessageContaining("PKIX path building failed");
        }
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void smtpsChecksTheServerNameAgainstTheCertificate() {
        // the certificate is for 127.0.0.1 only; "localhost" reaches the same server under another name
        EmailSender sender = new EmailSender(channel(AlertChannel.Security.SMTPS, "localhost",
                greenMail.getSmtps().getPort(), Optional.of(SERVER.pem()), PASSWORD));
        assertThatThrownBy(() -> sender.send(notification("n-1", Optional.empty())))
                .isInstanceOf(DeliveryException.class)
                .hasMessageContaining("No name matching localhost found");
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void starttlsUpgradesBeforeAuthAndChecksTheCertificate() throws Exception {
        try (StartTlsFront front = new StartTlsFront(SERVER.serverContext(), smtpPort())) {
            new EmailSender(channel(AlertChannel.Security.STARTTLS, "127.0.0.1", front.port(),
                    Optional.of(SERVER.pem()), PASSWORD)).send(notification("n-starttls", Optional.empty()));
            assertThat(greenMail.getReceivedMessages()).extracting(MimeMessage::getMessageID)
                    .containsOnly("<n-starttls@vipwatch>");

            TestCerts other = TestCerts.selfSigned("someone-else", "ip:127.0.0.1");
            EmailSender untrusting = new EmailSender(channel(AlertChannel.Security.STARTTLS, "127.0.0.1",
                    front.port(), Optional.of(other.pem()), PASSWORD));
            assertThatThrownBy(() -> untrusting.send(notification("n-2", Optional.empty())))
                    .isInstanceOf(DeliveryException.class)
                    .hasMessageContaining("PKIX path building failed");
        }
    }

    @Test
    void starttlsIsRequiredNotOpportunistic() {
        // GreenMail's plain port does not offer STARTTLS: sending in clear text instead would leak the password
        EmailSender sender = new EmailSender(channel(AlertChannel.Security.STARTTLS, "127.0.0.1", smtpPort(),
                Optional.empty(), PASSWORD));
        assertThatThrownBy(() -> sender.send(notification("n-1", Optional.empty())))
                .isInstanceOf(DeliveryException.class)
                .hasMessageContaining("STARTTLS is required but host does not support STARTTLS");
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void aServerThatIsDownFailsAtOnce() throws IOException {
        int port = Loopback.freePort();
        EmailSender sender = new EmailSender(channel(AlertChannel.Security.NONE, "127.0.0.1", port,
                Optional.empty(), PASSWORD));
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> sender.send(notification("n-1", Optional.empty())))
                .isInstanceOf(DeliveryException.class)
                .hasMessageStartingWith("e-mail channel dba-mail (127.0.0.1:" + port + ", none): ")
                .hasMessageContaining("Connection refused");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void aServerThatNeverGreetsIsGivenUpOnAfterTheTimeout() throws IOException {
        // a listening socket nobody accepts from: TCP connects (backlog), no greeting ever comes
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            AlertChannel.Email c = channel(AlertChannel.Security.NONE, "127.0.0.1", silent.getLocalPort(),
                    Optional.empty(), PASSWORD);
            AlertChannel.Email quick = with(c, c.cc(), Duration.ofMillis(500));
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> new EmailSender(quick).send(notification("n-1", Optional.empty())))
                    .isInstanceOf(DeliveryException.class)
                    .hasMessageEndingWith("Exception reading response: Read timed out");
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(took).isBetween(Duration.ofMillis(450), Duration.ofSeconds(3));
        }
    }

    @Test
    void anSmtpOutageLosesNothing() throws Exception {
        int port = Loopback.freePort();
        Outbox outbox = new Outbox(dir, Clock.systemUTC());
        Sender sender = new EmailSender(with(channel(AlertChannel.Security.NONE, "127.0.0.1", port,
                Optional.empty(), PASSWORD), List.of(), Duration.ofSeconds(2)));
        AlertChannels.Delivery fast = new AlertChannels.Delivery(Duration.ofMillis(100), Duration.ofMillis(400),
                Duration.ofHours(1));
        List<String> ids = List.of("o-1", "o-2", "o-3", "o-4", "o-5");
        GreenMail restarted = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
                .withConfiguration(GreenMailConfiguration.aConfig().withUser(USER, PASSWORD));
        try (Dispatcher dispatcher = new Dispatcher(outbox, Map.of("dba-mail", sender), fast, Clock.systemUTC(),
                new SplittableRandom(7))) {
            dispatcher.start();
            Instant now = Instant.now();
            for (int i = 0; i < ids.size(); i++) {
                outbox.enqueue(new Notification(ids.get(i), "dba-mail", now.plusMillis(i), "subject " + i,
                        "text " + i, Optional.empty(), "{}"));
                dispatcher.wake();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> dispatcher.stats().channels().get("dba-mail")
                    .retries() >= 3);
            assertThat(outbox.pending()).hasSize(5);

            restarted.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> restarted.getReceivedMessages().length == 5);
            MimeMessage[] received = restarted.getReceivedMessages();
            assertThat(Arrays.stream(received).map(EmailSenderTest::notificationId)).containsExactlyElementsOf(ids);
            await().atMost(Duration.ofSeconds(5)).until(() -> outbox.pending().isEmpty());
            assertThat(dispatcher.stats().channels().get("dba-mail").delivered()).isEqualTo(5);
        } finally {
            restarted.stop();
        }
    }

    /** SMTP turns line ends into CRLF and GreenMail drops the last one: compare the text itself. */
    private static String body(Object content) {
        return ((String) content).replace("\r\n", "\n").strip();
    }

    private static String notificationId(MimeMessage m) {
        try {
            return m.getHeader("X-Vipwatch-Notification-Id")[0];
        } catch (jakarta.mail.MessagingException e) {
            throw new AssertionError(e);
        }
    }
}
