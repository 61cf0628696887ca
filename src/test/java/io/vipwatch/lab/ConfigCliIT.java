package io.vipwatch.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The CLI's contract on bad input and host keys, against the real lab. */
class ConfigCliIT {
    @Test
    void validateAcceptsTheLabConfig() {
        Lab.Run r = Lab.vipwatch("validate", "--config", Lab.CONFIG.toString());
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stdout()).contains(
                "valid (1 cluster(s), 2 VIP(s), 11 rule(s), 0 alert channel(s), 0 maintenance window(s))");
    }

    @Test
    void aHostileInterfaceNameIsRejectedAtLoadAndNeverExecuted() throws Exception {
        Path marker = Path.of("/tmp/vipwatch-pwned-" + ProcessHandle.current().pid());
        Path bad = Lab.configVariant("hostile.yml", "address: 198.51.100.141, interface: eth0",
                "address: 198.51.100.141, interface: 'eth0;touch " + marker + "'");
        for (String command : new String[] {"check", "validate"}) {
            Lab.Run r = Lab.vipwatch(command, "--config", bad.toString());
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.stderr()).containsPattern(bad + ":\\d+: clusters\\[0]\\.hosts\\[0]\\.interface: ");
            assertThat(r.stdout()).isEmpty();
        }
        assertThat(marker).doesNotExist();
    }

    @Test
    void badConfigExitsTwoWithFileAndLine() throws Exception {
        Path bad = Lab.configVariant("bad-holder.yml", "expected_holder: db1", "expected_holder: db9");
        Lab.Run r = Lab.vipwatch("check", "--config", bad.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr()).containsPattern(bad + ":\\d+: clusters\\[0]\\.vips\\[0]\\.expected_holder: names no host");
    }

    @Test
    void unknownHostKeysAreRefusedByDefault() throws Exception {
        Path empty = Lab.DIR.resolve("empty_known_hosts");
        Files.writeString(empty, "");
        Path strict = Lab.configVariant("strict.yml", "known_hosts: " + Lab.DIR.resolve("known_hosts"),
                "known_hosts: " + empty);
        JsonNode rw = Lab.vip(Lab.check(strict).json(), "rw");
        assertThat(Lab.strings(rw.get("unreachable_hosts"))).containsExactly("db1", "db2", "db3");
        assertThat(rw.get("host_details").get("db1").asText()).contains("is not in " + empty);
        assertThat(Lab.problemNames(rw)).containsExactly("host-unreachable");
    }

    @Test
    void strictHostKeysCanBeTurnedOff() throws Exception {
        Path empty = Lab.DIR.resolve("empty_known_hosts2");
        Files.writeString(empty, "");
        Path lax = Lab.configVariant("lax.yml", "known_hosts: " + Lab.DIR.resolve("known_hosts"),
                "known_hosts: " + empty + "\n  strict_host_keys: false");
        JsonNode rw = Lab.vip(Lab.check(lax).json(), "rw");
        assertThat(Lab.strings(rw.get("unreachable_hosts"))).isEmpty();
        assertThat(Lab.strings(rw.get("holders"))).containsExactly("db1");
    }

    @Test
    void theTableNamesProblemsAndTheirEvidence() {
        Lab.fault("vip-add", "db2", Lab.RW);
        try {
            Lab.Run r = Lab.vipwatch("check", "--config", Lab.CONFIG.toString());
            assertThat(r.exit()).isEqualTo(1);
            // Replies are listed in arrival order, which either holder may win.
            assertThat(r.stdout()).contains("lab/rw", "duplicate-holders", "[db1, db2]")
                    .containsPattern("ARP replies from: (02:00:00:00:00:0b, 02:00:00:00:00:0c|02:00:00:00:00:0c, 02:00:00:00:00:0b)");
            assertThat(r.stdout()).doesNotContain(secret());
            assertThat(r.stderr()).doesNotContain(secret());
        } finally {
            Lab.heal();
        }
    }

    private static String secret() {
        try {
            return Files.readString(Lab.DIR.resolve("mysql.pw")).strip();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
