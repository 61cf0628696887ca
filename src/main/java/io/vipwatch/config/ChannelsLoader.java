package io.vipwatch.config;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Loads and validates {@code alerts/channels.yml} (the format is documented at the top of the shipped
 * {@code alerts/channels.yml}). Like {@link ConfigLoader} it reports every problem together as
 * {@code FILE:LINE: key.path: message} and corrects nothing. Secrets (SMTP passwords, header values from files or
 * the environment) are read here, once, so a missing token fails at load and not at 3 a.m.; a message names where
 * a secret comes from, never its value. Relative paths resolve against the channels file's directory.
 */
public final class ChannelsLoader {
    private static final Pattern CHANNEL_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    /** RFC 7230 {@code token}: what a header field name may consist of. */
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    /** Written by vipwatch or by the HTTP client itself; a configured value would be overridden or rejected. */
    private static final Set<String> RESERVED_HEADERS = Set.of("content-type", "content-length", "host",
            "connection", "expect", "upgrade", "x-vipwatch-notification-id");
    private static final Set<String> EMAIL_KEYS = Set.of("type", "host", "port", "security", "username",
            "password_file", "password_env", "from", "to", "cc", "html", "connect_timeout", "timeout", "ca_file",
            "repeat_interval");
    private static final Set<String> WEBHOOK_KEYS = Set.of("type", "url", "format", "headers", "timeout", "ca_file",
            "repeat_interval");
    private static final Duration MS_100 = Duration.ofMillis(100);
    /** Alertmanager resolves an alert that is not re-sent (resolve_timeout), so its channels repeat often. */
    private static final Duration ALERTMANAGER_REPEAT = Duration.ofMinutes(1);

    private final Map<String, String> environment;

    /** @param environment where {@code password_env} and {@code { env: NAME }} look up variables */
    public ChannelsLoader(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /** @throws ConfigException naming file, line and key of every problem */
    public AlertChannels load(Path file) throws ConfigException {
        Path source = file.toAbsolutePath().normalize();
        List<ConfigError> found = new ArrayList<>();
        YamlErrors errors = new YamlErrors(source, found);
        YamlMap top = errors.topLevel();
        top.rejectUnknownKeys(Set.of("defaults", "delivery", "channels"));
        AlertChannels.Delivery delivery = delivery(top.map("delivery"));
        Set<String> declared = new LinkedHashSet<>();
        Map<String, AlertChannel> channels = channels(top, errors, source.getParent(), declared);
        List<String> defaults = defaults(top.map("defaults"), declared);
        if (!found.isEmpty()) {
            throw new ConfigException(found);
        }
        return new AlertChannels(Optional.of(source), channels, defaults, delivery);
    }

    private static AlertChannels.Delivery delivery(YamlMap m) {
        m.rejectUnknownKeys(Set.of("initial_backoff", "max_backoff", "max_age"));
        AlertChannels.Delivery d = AlertChannels.Delivery.DEFAULT;
        Duration initial = m.duration("initial_backoff", d.initialBackoff(), MS_100, Duration.ofHours(1));
        Duration max = m.duration("max_backoff", d.maxBackoff(), Duration.ofSeconds(1), Duration.ofHours(24));
        Duration maxAge = m.duration("max_age", d.maxAge(), Duration.ofMinutes(1), Duration.ofDays(30));
        if (initial.compareTo(max) > 0) {
            m.error(m.has("initial_backoff") ? "initial_backoff" : "max_backoff", "initial_backoff ("
                    + Durations.format(initial) + ") must not exceed max_backoff (" + Durations.format(max) + ")");
        }
        return new AlertChannels.Delivery(initial, max, maxAge);
    }

    private static List<String> defaults(YamlMap m, Set<String> known) {
        m.rejectUnknownKeys(Set.of("channels"));
        List<String> names = new ArrayList<>();
        for (Item item : strings(m, "channels")) {
            if (!known.contains(item.value)) {
                m.errorAt(item.key, item.line, "no channel named '" + item.value + "' (defined: "
                        + (known.isEmpty() ? "none" : String.join(", ", known)) + ")");
            } else if (names.contains(item.value)) {
                m.errorAt(item.key, item.line, "channel '" + item.value + "' is listed twice");
            } else {
                names.add(item.value);
            }
        }
        return names;
    }

    /**
     * The channels in file order; a channel with errors is reported and left out, but its name goes to
     * {@code declared} so that {@code defaults} naming it does not add a second, misleading error.
     */
    private Map<String, AlertChannel> channels(YamlMap top, YamlErrors errors, Path dir, Set<String> declared) {
        Map<String, AlertChannel> channels = new LinkedHashMap<>();
        if (!top.has("channels")) {
            top.error("channels", "required key is missing (write channels: {} for none)");
            return channels;
        }
        YamlMap all = top.map("channels");
        if (!(top.node("channels").orElseThrow() instanceof MappingNode mapping)) {
            return channels;
        }
        Set<String> seen = new HashSet<>();
        for (NodeTuple t : mapping.getValue()) {
            String name = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : "?";
            if (!seen.add(name)) {
                continue; // YamlMap.of reported the duplicate
            }
            if (!CHANNEL_NAME.matcher(name).matches()) {
                errors.add(t.getKeyNode(), "channels." + name, "expected a channel name of lower-case letters, "
                        + "digits, '-' and '_', at most 63 long and starting with a letter or digit");
                continue;
            }
            declared.add(name);
            YamlMap m = all.map(name);
            if (t.getValueNode() instanceof MappingNode) {
                Origin origin = new Origin(errors.file(), YamlErrors.line(t.getKeyNode()));
                new Channel(m, name, origin, dir).read().ifPresent(c -> channels.put(name, c));
            }
        }
        return channels;
    }

    /** Reads one entry of {@code channels:}; every getter reports to the shared error list. */
    private final class Channel {
        private final YamlMap m;
        private final String name;
        private final Origin origin;
        private final Path dir;

        Channel(YamlMap m, String name, Origin origin, Path dir) {
            this.m = m;
            this.name = name;
            this.origin = origin;
            this.dir = dir;
        }

        Optional<AlertChannel> read() {
            String type = m.requiredString("type");
            switch (type) {
                case "email":
                    return Optional.of(email());
                case "webhook":
                    return Optional.of(webhook());
                case "":
                    return Optional.empty(); // reported by requiredString
                default:
                    m.error("type", "expected email or webhook, found '" + type + "'");
                    return Optional.empty();
            }
        }

        private AlertChannel.Email email() {
            m.rejectUnknownKeys(EMAIL_KEYS);
            AlertChannel.Security security = m.parsed("security", ChannelsLoader::security,
                    "none, starttls or smtps").orElse(AlertChannel.Security.STARTTLS);
            String host = m.requiredString("host");
            if (!host.isBlank() && !isHost(host)) {
                m.error("host", "expected a host name or IPv4 address, found '" + host + "'");
            }
            int port = m.integer("port", defaultPort(security), 1, 65535);
            Optional<String> username = m.has("username") ? Optional.of(m.requiredString("username"))
                    : Optional.empty();
            Optional<Secret> password = password(username.isPresent());
            String from = m.requiredString("from");
            if (!from.isBlank() && !isAddress(from)) {
                m.error("from", "expected an e-mail address such as vipwatch@example.com, found '" + from + "'");
            }
            List<String> to = addresses("to");
            if (!m.has("to")) {
                m.error("to", "required key is missing");
            } else if (m.node("to").get() instanceof SequenceNode seq && seq.getValue().isEmpty()) {
                m.error("to", "list at least one recipient");
            }
            return new AlertChannel.Email(name, origin, repeatInterval(Optional.empty()), host, port, security,
                    username, password, from, to, addresses("cc"), m.bool("html", false),
                    m.duration("connect_timeout", Duration.ofSeconds(5), MS_100, Duration.ofSeconds(60)),
                    m.duration("timeout", Duration.ofSeconds(10), MS_100, Duration.ofMinutes(5)),
                    caFile());
        }

        private AlertChannel.Webhook webhook() {
            m.rejectUnknownKeys(WEBHOOK_KEYS);
            URI url = url();
            AlertChannel.Format format = m.parsed("format", ChannelsLoader::format, "generic or alertmanager")
                    .orElse(AlertChannel.Format.GENERIC);
            Optional<Duration> fallbackRepeat = format == AlertChannel.Format.ALERTMANAGER
                    ? Optional.of(ALERTMANAGER_REPEAT) : Optional.empty();
            return new AlertChannel.Webhook(name, origin, repeatInterval(fallbackRepeat), url, format, headers(),
                    m.duration("timeout", Duration.ofSeconds(5), MS_100, Duration.ofMinutes(5)), caFile());
        }

        private Optional<Duration> repeatInterval(Optional<Duration> fallback) {
            if (!m.has("repeat_interval")) {
                return fallback;
            }
            return Optional.of(m.duration("repeat_interval", AlertSettings.DEFAULT_REPEAT, Duration.ofMinutes(1),
                    Duration.ofDays(7)));
        }

        /** Never quotes the URL back: credentials in it would end up in the message. */
        private URI url() {
            String text = m.requiredString("url");
            if (text.isBlank()) {
                return URI.create("http://invalid");
            }
            try {
                URI uri = new URI(text);
                boolean http = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
                if (!http || uri.getHost() == null) {
                    m.error("url", "expected an http:// or https:// URL such as https://hooks.example.com/vipwatch");
                } else if (uri.getRawUserInfo() != null) {
                    m.error("url", "credentials in the URL are not supported (they would show in logs); "
                            + "use headers: { Authorization: { file: PATH } }");
                } else if (uri.getRawFragment() != null) {
                    m.error("url", "a URL fragment (#...) is never sent to the server; remove it");
                }
                return uri;
            } catch (URISyntaxException e) {
                m.error("url", "not a valid URL: " + e.getReason());
                return URI.create("http://invalid");
            }
        }

        private Map<String, Secret> headers() {
            Map<String, Secret> headers = new LinkedHashMap<>();
            Optional<Node> node = m.node("headers");
            if (node.isEmpty()) {
                return headers;
            }
            YamlMap h = m.map("headers");
            if (!(node.get() instanceof MappingNode mapping)) {
                return headers;
            }
            Set<String> seen = new HashSet<>();
            for (NodeTuple t : mapping.getValue()) {
                String header = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : "?";
                int line = YamlErrors.line(t.getKeyNode());
                String lower = header.toLowerCase(Locale.ROOT);
                if (!seen.add(header)) {
                    continue; // YamlMap.of reported the duplicate
                }
                if (!HEADER_NAME.matcher(header).matches()) {
                    h.errorAt(header, line, "expected a header name (letters, digits and !#$%&'*+.^_`|~-)");
                } else if (RESERVED_HEADERS.contains(lower)) {
                    h.errorAt(header, line, "set by vipwatch or the HTTP client; it cannot be configured");
                } else if (headers.keySet().stream().anyMatch(k -> k.equalsIgnoreCase(header))) {
                    h.errorAt(header, line, "header given twice (header names ignore case)");
                } else {
                    headerValue(h, header, t.getValueNode()).ifPresent(v -> headers.put(header, v));
                }
            }
            return headers;
        }

        /** A plain value, {@code { file: PATH }} or {@code { env: NAME }}. */
        private Optional<Secret> headerValue(YamlMap h, String header, Node value) {
            if (value instanceof ScalarNode s) {
                return checked(h, header, new Secret(s.getValue(), "channels.yml"));
            }
            if (!(value instanceof MappingNode)) {
                h.error(header, "expected a value, { file: PATH } or { env: NAME }, found " + YamlMap.describe(value));
                return Optional.empty();
            }
            YamlMap ref = h.map(header);
            ref.rejectUnknownKeys(Set.of("file", "env"));
            if (ref.has("file") && ref.has("env")) {
                ref.error("env", "set either file or env, not both");
            } else if (ref.has("file")) {
                return Secrets.fromFile(ref, "file", dir, false).flatMap(secret -> checked(ref, "file", secret));
            } else if (ref.has("env")) {
                return Secrets.fromEnv(ref, "env", environment, false).flatMap(secret -> checked(ref, "env", secret));
            } else {
                ref.error("file", "set file or env");
            }
            return Optional.empty();
        }

        private Optional<Secret> password(boolean hasUsername) {
            boolean file = m.has("password_file");
            boolean env = m.has("password_env");
            if (!hasUsername) {
                if (file || env) {
                    m.error(file ? "password_file" : "password_env", "a password needs a username; set username");
                }
                return Optional.empty();
            }
            if (file && env) {
                m.error("password_env", "set either password_file or password_env, not both");
                return Optional.empty();
            }
            if (!file && !env) {
                m.error("username", "a username needs a password: set password_file or password_env");
                return Optional.empty();
            }
            return file ? Secrets.fromFile(m, "password_file", dir, false)
                    : Secrets.fromEnv(m, "password_env", environment, false);
        }

        /** A header value must be one line of visible text; says so without quoting it. */
        private Optional<Secret> checked(YamlMap map, String key, Secret secret) {
            String v = secret.reveal();
            if (v.isBlank()) {
                map.error(key, "the header value is empty");
                return Optional.empty();
            }
            if (v.chars().anyMatch(c -> (c < 0x20 && c != '\t') || c == 0x7f)) {
                map.error(key, "the header value from " + secret.source()
                        + " contains a line break or another control character");
                return Optional.empty();
            }
            return Optional.of(secret);
        }

        private Optional<Path> caFile() {
            if (!m.has("ca_file")) {
                return Optional.empty();
            }
            Optional<Path> path = Secrets.readableFile(m, "ca_file", dir);
            path.ifPresent(p -> {
                try (InputStream in = Files.newInputStream(p)) {
                    if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
                        m.error("ca_file", "no PEM certificate in " + p);
                    }
                } catch (IOException | CertificateException e) {
                    m.error("ca_file", "expected PEM certificates in " + p + " (" + e.getMessage() + ")");
                }
            });
            return path;
        }

        private List<String> addresses(String key) {
            List<String> valid = new ArrayList<>();
            for (Item item : strings(m, key)) {
                if (isAddress(item.value)) {
                    valid.add(item.value);
                } else {
                    m.errorAt(item.key, item.line, "expected an e-mail address such as dba@example.com, found '"
                            + item.value + "'");
                }
            }
            return valid;
        }
    }

    /** One value of a list of single values, with what a message about it needs. */
    private record Item(String value, String key, int line) {
    }

    private static List<Item> strings(YamlMap m, String key) {
        Optional<Node> node = m.node(key);
        if (node.isEmpty()) {
            return List.of();
        }
        if (!(node.get() instanceof SequenceNode seq)) {
            m.error(key, "expected a list such as [a, b], found " + YamlMap.describe(node.get()));
            return List.of();
        }
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            Node n = seq.getValue().get(i);
            String itemKey = key + "[" + i + "]";
            if (n instanceof ScalarNode s) {
                items.add(new Item(s.getValue(), itemKey, YamlErrors.line(n)));
            } else {
                m.errorAt(itemKey, YamlErrors.line(n), "expected a single value, found " + YamlMap.describe(n));
            }
        }
        return items;
    }

    private static Optional<AlertChannel.Security> security(String s) {
        return switch (s) {
            case "none" -> Optional.of(AlertChannel.Security.NONE);
            case "starttls" -> Optional.of(AlertChannel.Security.STARTTLS);
            case "smtps" -> Optional.of(AlertChannel.Security.SMTPS);
            default -> Optional.empty();
        };
    }

    private static Optional<AlertChannel.Format> format(String s) {
        return switch (s) {
            case "generic" -> Optional.of(AlertChannel.Format.GENERIC);
            case "alertmanager" -> Optional.of(AlertChannel.Format.ALERTMANAGER);
            default -> Optional.empty();
        };
    }

    /** The IANA port of each kind: 25 for plain SMTP, 587 for submission with STARTTLS, 465 for SMTPS. */
    private static int defaultPort(AlertChannel.Security security) {
        return switch (security) {
            case NONE -> 25;
            case STARTTLS -> 587;
            case SMTPS -> 465;
        };
    }

    /** A dotted quad, or a DNS name of letter-digit-hyphen labels (an all-numeric name must be a valid IPv4). */
    private static boolean isHost(String host) {
        if (host.matches("[0-9.]+")) {
            return Ipv4.parse(host).isPresent();
        }
        if (host.length() > 253) {
            return false;
        }
        for (String label : host.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    /** One RFC 822 address as jakarta.mail's strict parser accepts it, with a domain part. */
    private static boolean isAddress(String text) {
        try {
            InternetAddress address = new InternetAddress(text, true);
            return address.getAddress() != null && address.getAddress().indexOf('@') > 0;
        } catch (AddressException e) {
            return false;
        }
    }
}
