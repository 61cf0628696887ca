package io.vipwatch.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The files every test config refers to, made in the test's directory. */
public final class ConfigFiles {
    private ConfigFiles() {
    }

    /**
     * An identity file named {@code identity} (never read as a key by the loader), an empty {@code known_hosts} and
     * {@code mysql.pw} holding {@code mysqlPassword}.
     */
    public static void create(Path dir, String identity, String mysqlPassword) throws IOException {
        Files.writeString(dir.resolve(identity), "not a key: the loader only checks that it is readable");
        Files.writeString(dir.resolve("known_hosts"), "");
        Files.writeString(dir.resolve("mysql.pw"), mysqlPassword);
    }
}
