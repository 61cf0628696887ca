package io.vipwatch.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One alert channel of {@code alerts/channels.yml}: where notifications go and how. */
public sealed interface AlertChannel {
    String name();

    Origin origin();

    /**
     * How often an active alert is sent again on this channel; empty: the global {@code alerts.repeat_interval}.
     * Alertmanager channels default to 1m: Alertmanager resolves an alert that is not re-sent on its own.
     */
    Optional<Duration> repeatInterval();

    /** How an email channel connects: plain SMTP, STARTTLS (upgrade required) or SMTPS (TLS from the start). */
    enum Security { NONE, STARTTLS, SMTPS }

    /**
     * @param caFile  PEM certificates to trust for TLS instead of the JVM's default trust store
     * @param html    also send an HTML part rendered from the HTML template
     */
    record Email(String name, Origin origin, Optional<Duration> repeatInterval, String host, int port,
                 Security security, Optional<String> username, Optional<Secret> password, String from,
                 List<String> to, List<String> cc, boolean html, Duration connectTimeout, Duration timeout,
                 Optional<Path> caFile) implements AlertChannel {
        public Email {
            to = List.copyOf(to);
            cc = List.copyOf(cc);
        }
    }

    /** The JSON a webhook receives: vipwatch's own document, or Alertmanager's {@code /api/v2/alerts} list. */
    enum Format { GENERIC, ALERTMANAGER }

    /**
     * @param url     generic: the endpoint; alertmanager: the Alertmanager base URL ({@code /api/v2/alerts} is
     *                appended)
     * @param headers header name → value; values read from files or the environment are {@link Secret}s
     */
    record Webhook(String name, Origin origin, Optional<Duration> repeatInterval, URI url, Format format,
                   Map<String, Secret> headers, Duration timeout, Optional<Path> caFile) implements AlertChannel {
        public Webhook {
            headers = Map.copyOf(headers);
        }
    }
}
