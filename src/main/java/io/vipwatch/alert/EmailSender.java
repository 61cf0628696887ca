package io.vipwatch.alert;

import io.vipwatch.config.AlertChannel;
import io.vipwatch.config.Secret;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * Sends a notification as one e-mail through the channel's SMTP server (Jakarta Mail, Angus implementation), with
 * one connection per attempt: alerts are rare, and a pooled connection would be one more thing to go stale.
 *
 * <p>TLS is never optional once asked for: {@code starttls} fails rather than fall back to plain text when the server
 * does not offer STARTTLS, and both TLS modes check the server's certificate and host name. The message carries the
 * notification id twice — {@code Message-ID: <ID@vipwatch>} and {@code X-Vipwatch-Notification-Id} — so a retry of an
 * e-mail that did arrive is recognisable as the same message.
 */
public final class EmailSender implements Sender {
    private static final String CHARSET = StandardCharsets.UTF_8.name();

    private final AlertChannel.Email channel;
    private final String protocol;
    private final String where;
    /** Null when the channel's ca_file could not be loaded; then every attempt fails with {@link #setupProblem}. */
    private final Session session;
    private final String setupProblem;

    public EmailSender(AlertChannel.Email channel) {
        this.channel = channel;
        this.protocol = channel.security() == AlertChannel.Security.SMTPS ? "smtps" : "smtp";
        this.where = "e-mail channel " + channel.name() + " (" + channel.host() + ":" + channel.port() + ", "
                + channel.security().name().toLowerCase(Locale.ROOT) + ")";
        Session built = null;
        String problem = null;
        try {
            built = Session.getInstance(properties());
        } catch (IOException | GeneralSecurityException e) {
            problem = where + ": cannot load ca_file: " + DeliveryException.describe(e);
        }
        this.session = built;
        this.setupProblem = problem;
    }

    @Override
    public void send(Notification notification) throws DeliveryException {
        if (session == null) {
            throw new DeliveryException(setupProblem);
        }
        String password = channel.password().map(Secret::reveal).orElse(null);
        try {
            MimeMessage message = message(notification);
            Transport transport = session.getTransport(protocol);
            try {
                transport.connect(channel.host(), channel.port(), channel.username().orElse(null), password);
                transport.sendMessage(message, message.getAllRecipients());
            } finally {
                closeQuietly(transport);
            }
        } catch (MessagingException e) {
            throw new DeliveryException(where + ": " + DeliveryException.describe(e, password), e);
        }
    }

    /** Once the server has accepted the message, a failed QUIT must not turn delivery into a retry. */
    private static void closeQuietly(Transport transport) {
        try {
            transport.close();
        } catch (MessagingException e) {
            // the connection is dropped either way
        }
    }

    private Properties properties() throws IOException, GeneralSecurityException {
        String p = "mail." + protocol;
        Properties props = new Properties();
        props.setProperty(p + ".host", channel.host());
        props.setProperty(p + ".port", Integer.toString(channel.port()));
        props.setProperty(p + ".connectiontimeout", Long.toString(channel.connectTimeout().toMillis()));
        props.setProperty(p + ".timeout", Long.toString(channel.timeout().toMillis()));
        props.setProperty(p + ".writetimeout", Long.toString(channel.timeout().toMillis()));
        props.setProperty(p + ".auth", Boolean.toString(channel.username().isPresent()));
        props.setProperty(p + ".localhost", ThisHost.name()); // the EHLO name, without a reverse DNS lookup
        if (channel.security() == AlertChannel.Security.STARTTLS) {
            props.setProperty(p + ".starttls.enable", "true");
            props.setProperty(p + ".starttls.required", "true");
        }
        if (channel.security() != AlertChannel.Security.NONE) {
            props.setProperty(p + ".ssl.checkserveridentity", "true");
            // an object, not a class name: Angus uses it for SMTPS and for the STARTTLS upgrade alike
            props.put(p + ".ssl.socketFactory", TlsTrust.context(channel.caFile()).getSocketFactory());
            // no second try with the JVM's default socket factory when ours fails: that would bypass ca_file
            props.setProperty(p + ".socketFactory.fallback", "false");
        }
        return props;
    }

    private MimeMessage message(Notification n) throws MessagingException {
        MimeMessage message = new StableIdMessage(session, n.id());
        message.setFrom(new InternetAddress(channel.from(), true));
        message.setRecipients(Message.RecipientType.TO, addresses(channel.to()));
        if (!channel.cc().isEmpty()) {
            message.setRecipients(Message.RecipientType.CC, addresses(channel.cc()));
        }
        message.setSubject(n.subject(), CHARSET);
        message.setSentDate(Date.from(n.createdAt()));
        message.setHeader("X-Vipwatch-Notification-Id", n.id());
        if (n.html().isPresent()) {
            MimeBodyPart text = new MimeBodyPart();
            text.setText(n.text(), CHARSET);
            MimeBodyPart html = new MimeBodyPart();
            html.setText(n.html().get(), CHARSET, "html");
            MimeMultipart alternative = new MimeMultipart("alternative");
            alternative.addBodyPart(text);
            alternative.addBodyPart(html);
            message.setContent(alternative);
        } else {
            message.setText(n.text(), CHARSET);
        }
        message.saveChanges();
        return message;
    }

    private static InternetAddress[] addresses(List<String> list) throws MessagingException {
        return InternetAddress.parse(String.join(",", list), true);
    }

    /** Jakarta Mail invents a fresh Message-ID on every save; receivers de-duplicate on ours instead. */
    private static final class StableIdMessage extends MimeMessage {
        private final String id;

        StableIdMessage(Session session, String id) {
            super(session);
            this.id = id;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", "<" + id + "@vipwatch>");
        }
    }
}
