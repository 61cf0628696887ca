package io.vipwatch.service;

import com.sun.net.httpserver.BasicAuthenticator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * HTTP basic auth against bcrypt hashes, as Prometheus' exporters do it. bcrypt is slow on purpose (tens of
 * milliseconds at cost 10), and Prometheus sends the same credentials every scrape: a password that matched once is
 * remembered — as a SHA-256 of user and password, never the password itself — so later scrapes cost a hash, not a
 * bcrypt.
 */
final class BcryptAuthenticator extends BasicAuthenticator {
    private static final int REMEMBERED_MAX = 64;

    private final Map<String, String> users;
    private final Map<String, Boolean> remembered = new ConcurrentHashMap<>();

    BcryptAuthenticator(Map<String, String> users) {
        super("vipwatch");
        this.users = Map.copyOf(users);
    }

    @Override
    public boolean checkCredentials(String user, String password) {
        String hash = users.get(user);
        if (hash == null) {
            return false;
        }
        String key = digest(user + '\0' + password + '\0' + hash);
        if (remembered.containsKey(key)) {
            return true;
        }
        boolean ok;
        try {
            ok = OpenBSDBCrypt.checkPassword(hash, password.toCharArray());
        } catch (IllegalArgumentException e) {
            ok = false;
        }
        if (ok && remembered.size() < REMEMBERED_MAX) {
            remembered.put(key, Boolean.TRUE);
        }
        return ok;
    }

    private static String digest(String s) {
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
