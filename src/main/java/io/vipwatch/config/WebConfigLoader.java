package io.vipwatch.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Loads a web config file — the format Prometheus' exporters read ({@code --web.config.file}), so one file can
 * serve node_exporter and vipwatch alike:
 * <pre>
 * tls_server_config:
 *   cert_file: /etc/vipwatch/tls.crt   # PEM, the server certificate first, then its chain
 *   key_file: /etc/vipwatch/tls.key    # PEM private key: PKCS#8, PKCS#1 (RSA) or SEC1 (EC), unencrypted
 * basic_auth_users:
 *   prometheus: $2y$10$...             # bcrypt, e.g. htpasswd -nBC 10 "" | tr -d ':\n'
 * </pre>
 * The certificate and key are parsed here (BouncyCastle reads the PEM forms the JDK cannot), so a broken file is a
 * config error at load, named with its line, and never a server that fails its first scrape.
 */
public final class WebConfigLoader {
    /** bcrypt's modular crypt format: $2a$, $2b$ or $2y$, a two-digit cost, 22 characters of salt, 31 of hash. */
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$\\d\\d\\$[./A-Za-z0-9]{53}");

    private WebConfigLoader() {
    }

    public static WebConfig load(Path file) throws ConfigException {
        Path source = file.toAbsolutePath().normalize();
        List<ConfigError> found = new ArrayList<>();
        YamlErrors errors = new YamlErrors(source, found);
        YamlMap top = errors.topLevel();
        top.rejectUnknownKeys(Set.of("tls_server_config", "basic_auth_users"));
        Optional<SSLContext> tls = Optional.empty();
        if (top.has("tls_server_config")) {
            tls = tls(top.map("tls_server_config"), source.getParent());
        }
        Map<String, String> users = new LinkedHashMap<>();
        top.node("basic_auth_users").ifPresent(n -> users(top, n, users));
        if (!found.isEmpty()) {
            throw new ConfigException(found);
        }
        return new WebConfig(Optional.of(source), tls, users);
    }

    private static void users(YamlMap top, Node node, Map<String, String> users) {
        if (!(node instanceof MappingNode mapping)) {
            top.error("basic_auth_users", "expected a mapping of user names to bcrypt hashes");
            return;
        }
        for (NodeTuple t : mapping.getValue()) {
            String user = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : "";
            String hash = t.getValueNode() instanceof ScalarNode v ? v.getValue() : "";
            int line = YamlErrors.line(t.getValueNode());
            if (user.isEmpty() || user.contains(":")) {
                top.errorAt("basic_auth_users", line, "a user name must be non-empty and without ':'");
            } else if (!BCRYPT.matcher(hash).matches()) {
                // never echo the value: it may be a password pasted by mistake
                top.errorAt("basic_auth_users." + user, line, "expected a bcrypt hash ($2y$10$…), e.g. from "
                        + "htpasswd -nBC 10 \"\" | tr -d ':\\n'");
            } else {
                users.put(user, hash);
            }
        }
    }

    private static Optional<SSLContext> tls(YamlMap m, Path dir) {
        m.rejectUnknownKeys(Set.of("cert_file", "key_file"));
        Optional<Path> cert = m.optionalString("cert_file").map(s -> dir.resolve(s).normalize());
        Optional<Path> key = m.optionalString("key_file").map(s -> dir.resolve(s).normalize());
        if (cert.isEmpty() || key.isEmpty()) {
            m.error(cert.isEmpty() ? "cert_file" : "key_file", "required: TLS needs both cert_file and key_file");
            return Optional.empty();
        }
        List<X509Certificate> chain;
        try {
            chain = certificates(cert.get());
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            m.error("cert_file", "cannot read a PEM certificate from " + cert.get() + ": " + e.getMessage());
            return Optional.empty();
        }
        PrivateKey privateKey;
        try {
            privateKey = privateKey(key.get());
        } catch (IOException | RuntimeException e) {
            // the message names the file, never its content
            m.error("key_file", "cannot read a PEM private key from " + key.get() + ": " + e.getMessage());
            return Optional.empty();
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] none = new char[0];
            store.setKeyEntry("server", privateKey, none, chain.toArray(X509Certificate[]::new));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, none);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return Optional.of(context);
        } catch (IOException | GeneralSecurityException e) {
            m.error("key_file", "the key does not fit the certificate of " + cert.get() + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    private static List<X509Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        List<X509Certificate> chain = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(in)) {
            for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
                if (o instanceof X509CertificateHolder holder) {
                    chain.add(converter.getCertificate(holder));
                }
            }
        }
        if (chain.isEmpty()) {
            throw new IOException("no CERTIFICATE block");
        }
        return chain;
    }

    private static PrivateKey privateKey(Path file) throws IOException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(in)) {
            for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMKeyPair pair) {
                    // PKCS#1 / SEC1: the private part alone, as a SEC1 key may carry no public key
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
            }
        }
        throw new IOException("no unencrypted PRIVATE KEY block");
    }
}
