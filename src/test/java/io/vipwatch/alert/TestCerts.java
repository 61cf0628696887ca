package io.vipwatch.alert;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed server certificate made by the JDK's keytool for a test: a PKCS12 key store for the server and the
 * certificate alone as PEM, which is what a channel's {@code ca_file} holds.
 */
record TestCerts(Path keyStore, String password, Path pem) {
    static final String PASSWORD = "changeit";

    /** A certificate for {@code san} (e.g. {@code ip:127.0.0.1}) in a new temporary directory, gone at JVM exit. */
    static TestCerts selfSigned(String name, String san) {
        try {
            Path dir = Files.createTempDirectory("vipwatch-certs");
            Path keyStore = dir.resolve(name + ".p12");
            Path pem = dir.resolve(name + ".pem");
            // removed when the test JVM exits: files first, then the directory (deleteOnExit runs in reverse order)
            for (Path p : List.of(dir, keyStore, pem)) {
                p.toFile().deleteOnExit();
            }
            keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=" + name, "-ext", "san=" + san, "-validity", "2", "-keystore", keyStore.toString(),
                    "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD);
            keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", keyStore.toString(),
                    "-storepass", PASSWORD, "-file", pem.toString());
            return new TestCerts(keyStore, PASSWORD, pem);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A server-side TLS context presenting this certificate. */
    SSLContext serverContext() throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, password.toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    private static void keytool(String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("keytool did not finish within 60 s: " + command);
            }
            String output = new String(p.getInputStream().readAllBytes());
            if (p.exitValue() != 0) {
                throw new IOException("keytool failed (" + p.exitValue() + "): " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running keytool", e);
        }
    }
}
