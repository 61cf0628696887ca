package io.vipwatch.alert;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import io.vipwatch.config.ConfigError;
import io.vipwatch.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The message templates (Mustache, rendered by mustache.java): e-mail subject, plain text and HTML, and the text of
 * webhook messages. Each comes from the configured directory when it has that file, else from the set bundled with
 * vipwatch ({@code alerts/templates/}). All are compiled at load, so a broken template is a config error at start,
 * not a lost alert at 3 a.m.
 *
 * <p>Only the HTML template escapes values; the others are plain text and must show {@code <} and {@code &} as is.
 */
public final class Templates {
    /** The template files, by role. */
    public enum Kind {
        EMAIL_SUBJECT("email-subject.mustache", false),
        EMAIL_TEXT("email-text.mustache", false),
        EMAIL_HTML("email-html.mustache", true),
        WEBHOOK_TEXT("webhook-text.mustache", false);

        final String file;
        final boolean html;

        Kind(String file, boolean html) {
            this.file = file;
            this.html = html;
        }
    }

    private static final String BUNDLED = "/alerts/templates/";

    private final Map<Kind, Mustache> compiled;

    private Templates(Map<Kind, Mustache> compiled) {
        this.compiled = compiled;
    }

    /** The bundled templates only. */
    public static Templates bundled() {
        try {
            return load(Optional.empty());
        } catch (ConfigException e) {
            throw new IllegalStateException("bundled templates do not compile: " + e.getMessage(), e);
        }
    }

    /** @param dir templates overriding the bundled ones, file by file */
    public static Templates load(Optional<Path> dir) throws ConfigException {
        Map<Kind, Mustache> out = new EnumMap<>(Kind.class);
        List<ConfigError> errors = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            Optional<Path> own = dir.map(d -> d.resolve(kind.file)).filter(Files::isRegularFile);
            String name = own.map(Path::toString).orElse("(bundled) " + BUNDLED.substring(1) + kind.file);
            try {
                String text = own.isPresent() ? Files.readString(own.get(), StandardCharsets.UTF_8) : bundledText(kind);
                out.put(kind, factory(kind.html).compile(new StringReader(text), name));
            } catch (MustacheException e) {
                int line = e.getContext() == null ? 0 : e.getContext().line();
                errors.add(new ConfigError(own.orElse(Path.of(name)), line, "template", e.getMessage()));
            } catch (IOException e) {
                errors.add(new ConfigError(own.orElse(Path.of(name)), 0, "template", "cannot read: " + e));
            }
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return new Templates(out);
    }

    /** Renders one template over a model of maps, lists and strings. */
    public String render(Kind kind, Map<String, Object> model) {
        StringWriter out = new StringWriter();
        compiled.get(kind).execute(out, model);
        return out.toString();
    }

    private static String bundledText(Kind kind) throws IOException {
        try (InputStream in = Templates.class.getResourceAsStream(BUNDLED + kind.file)) {
            if (in == null) {
                throw new IOException("missing from the jar: " + BUNDLED + kind.file);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static DefaultMustacheFactory factory(boolean escapeHtml) {
        return escapeHtml ? new DefaultMustacheFactory() : new DefaultMustacheFactory() {
            @Override
            public void encode(String value, Writer writer) {
                try {
                    writer.write(value);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }
}
