package io.vipwatch.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vipwatch.config.ConfigException;
import io.vipwatch.config.WebConfig;
import io.vipwatch.config.WebConfigLoader;
import io.vipwatch.metrics.Metrics;
import io.vipwatch.report.JsonReport;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The status server under a web config: HTTPS from PEM files and basic auth with bcrypt, with a real client. */
class StatusServerWebConfigTest {
    private static final String PASSWORD = "scrape-Pa55";

    @TempDir
    Path dir;
    private X509Certificate certificate;

    @BeforeEach
    void pemFiles() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("EC").generateKeyPair();
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name("CN=vipwatch-test"),
                BigInteger.ONE, Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(1))),
                new X500Name("CN=vipwatch-test"), pair.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
        certificate = new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
        Files.writeString(dir.resolve("tls.crt"), pem(certificate));
        // PKCS#8, as `openssl genpkey` writes it
        Files.writeString(dir.resolve("tls.key"), pem(new JcaPKCS8Generator(pair.getPrivate(), null)));
    }

    private static String pem(Object o) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        }
        return out.toString();
    }

    private WebConfig webConfig(String text) throws Exception {
        Files.writeString(dir.resolve("web.yml"), text);
        return WebConfigLoader.load(dir.resolve("web.yml"));
    }

    private static String bcrypt(String password) {
        byte[] salt = new byte[16];
        new java.security.SecureRandom().nextBytes(salt);
        return OpenBSDBCrypt.generate("2y", password.toCharArray(), salt, 4);
    }

    private HttpClient trusting() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", certificate);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(2)).build();
    }

    private static int status(HttpClient client, URI uri, String user, String password) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5));
        if (user != null) {
            req.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                    .getBytes(StandardCharsets.UTF_8)));
        }
        return client.send(req.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void metricsOverHttpsOnlyWithTheRightPassword() throws Exception {
        WebConfig web = webConfig("""
                tls_server_config:
                  cert_file: tls.crt
                  key_file: tls.key
                basic_auth_users:
                  prometheus: '%s'
                """.formatted(bcrypt(PASSWORD)));
        try (StatusServer server = new StatusServer(new InetSocketAddress("127.0.0.1", 0), () -> null,
                JsonReport.MAPPER::createObjectNode, new Metrics("test"), web)) {
            server.start();
            URI metrics = URI.create("https://127.0.0.1:" + server.port() + "/metrics");
            HttpClient client = trusting();
            assertThat(status(client, metrics, "prometheus", PASSWORD)).isEqualTo(200);
            assertThat(status(client, metrics, "prometheus", PASSWORD)).as("remembered, still right").isEqualTo(200);
            assertThat(status(client, metrics, "prometheus", "wrong")).isEqualTo(401);
            assertThat(status(client, metrics, "nobody", PASSWORD)).isEqualTo(401);
            assertThat(status(client, metrics, null, null)).isEqualTo(401);
            assertThat(status(client, URI.create("https://127.0.0.1:" + server.port() + "/api/status"), null, null))
                    .as("every path is guarded").isEqualTo(401);
            URI plain = URI.create("http://127.0.0.1:" + server.port() + "/metrics");
            assertThatThrownBy(() -> status(HttpClient.newHttpClient(), plain, "prometheus", PASSWORD))
                    .as("no plain HTTP on a TLS port").isInstanceOf(IOException.class);
        }
    }

    @Test
    void withoutAWebConfigTheServerSpeaksPlainHttpToAnyone() throws Exception {
        try (StatusServer server = new StatusServer(new InetSocketAddress("127.0.0.1", 0), () -> null,
                JsonReport.MAPPER::createObjectNode, new Metrics("test"), WebConfig.NONE)) {
            server.start();
            assertThat(status(HttpClient.newHttpClient(),
                    URI.create("http://127.0.0.1:" + server.port() + "/metrics"), null, null)).isEqualTo(200);
        }
    }

    @Test
    void aBrokenWebConfigIsAConfigErrorNamingFileLineAndKeyButNeverTheValue() throws Exception {
        Files.writeString(dir.resolve("broken.key"), "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> webConfig("""
                tls_server_config:
                  cert_file: tls.crt
                  key_file: broken.key
                basic_auth_users:
                  prometheus: plain-text-password
                listen: 0.0.0.0
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(dir.resolve("web.yml") + ":3: tls_server_config.key_file: cannot read a PEM "
                        + "private key from " + dir.resolve("broken.key"))
                .hasMessageContaining(":5: basic_auth_users.prometheus: expected a bcrypt hash")
                .hasMessageContaining(":6: listen: unknown key")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("plain-text-password"));
    }
}
