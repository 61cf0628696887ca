package io.vipwatch.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The secret that lets a local {@code vipwatch mha} hand its work to the running service ({@code POST /api/mha}):
 * a random token the service writes to {@code state_dir/control.token}, readable by its owner only, new at every
 * start. Whoever can read it may move VIPs, exactly as whoever can read the SSH key may; the status API's other
 * paths stay read-only.
 */
public final class ControlToken {
    public static final String FILE_NAME = "control.token";
    public static final String HEADER = "X-Vipwatch-Token";

    private final String value;

    private ControlToken(String value) {
        this.value = value;
    }

    /** A new token, written (owner-only) to {@code stateDir}. */
    public static ControlToken create(Path stateDir) throws IOException {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String token = HexFormat.of().formatHex(random);
        Files.createDirectories(stateDir);
        Path tmp = Files.createTempFile(stateDir, FILE_NAME, ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, token + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, stateDir.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        return new ControlToken(token);
    }

    /** The token a running service wrote, if there is one that this process may read. */
    public static Optional<String> read(Path stateDir) {
        try {
            String t = Files.readString(stateDir.resolve(FILE_NAME), StandardCharsets.US_ASCII).strip();
            return t.isEmpty() ? Optional.empty() : Optional.of(t);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code presented} is this token; in constant time, so timing tells nothing about it. */
    public boolean accepts(String presented) {
        return presented != null && MessageDigest.isEqual(value.getBytes(StandardCharsets.US_ASCII),
                presented.strip().getBytes(StandardCharsets.US_ASCII));
    }
}
