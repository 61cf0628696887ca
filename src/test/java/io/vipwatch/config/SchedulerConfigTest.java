package io.vipwatch.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vipwatch.testing.ConfigFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code scheduler:}: memory by default, a validated JDBC job store, and never one behind a watched VIP. */
class SchedulerConfigTest {
    private static final String JDBC = """
            scheduler:
              store: jdbc
              dsn: mysql://198.51.100.200:3307/vipwatch_jobs
              user: vipwatch
              password_file: jobstore.pw
              instance_id: watch-a
              checkin_interval: 1s
            """;

    @TempDir
    Path dir;

    @BeforeEach
    void secrets() throws IOException {
        ConfigFiles.create(dir, "id_ed25519", "monitor-password");
        Files.writeString(dir.resolve("jobstore.pw"), "job-store-password\n");
    }

    private Config load(String extra) throws Exception {
        Path file = dir.resolve("vipwatch.yml");
        Files.writeString(file, ConfigLoaderTest.EXAMPLE + extra);
        return new ConfigLoader(Map.of()).load(file);
    }

    private List<String> errors(String extra) {
        try {
            load(extra);
        } catch (ConfigException e) {
            String prefix = dir.toAbsolutePath().normalize().toString();
            return e.errors().stream().map(x -> x.toString().replace(prefix, "DIR")).toList();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected the config to be rejected");
    }

    @Test
    void withoutASchedulerSectionTheScheduleStaysInMemory() throws Exception {
        SchedulerSettings s = load("").scheduler();
        assertThat(s).isEqualTo(SchedulerSettings.MEMORY);
        assertThat(s.clustered()).isFalse();
    }

    @Test
    void aJdbcJobStoreIsParsedIntoWhitelistedParts() throws Exception {
        SchedulerSettings s = load(JDBC).scheduler();
        assertThat(s.clustered()).isTrue();
        SchedulerSettings.JobStore store = s.jobStore().orElseThrow();
        assertThat(store.host()).isEqualTo("198.51.100.200");
        assertThat(store.port()).isEqualTo(3307);
        assertThat(store.database()).isEqualTo("vipwatch_jobs");
        assertThat(store.user()).isEqualTo("vipwatch");
        assertThat(store.password().reveal()).isEqualTo("job-store-password");
        assertThat(store.password().toString()).doesNotContain("job-store-password");
        assertThat(s.instanceId()).isEqualTo("watch-a");
        assertThat(s.name()).isEqualTo("vipwatch");
        assertThat(s.checkinInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.repairLease()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void aJobStoreAtAWatchedVipIsRefusedWithFileLineAndKey() {
        assertThat(errors(JDBC.replace("198.51.100.200:3307", "198.51.100.100")))
                .singleElement().asString()
                .startsWith("DIR/vipwatch.yml:")
                .contains("scheduler.dsn: the job store 198.51.100.100 is VIP rw of cluster")
                .contains("put the job store on a host address");
    }

    @Test
    void aDsnWithParametersOrShellCharactersIsRefused() {
        assertThat(errors(JDBC.replace("vipwatch_jobs", "vipwatch_jobs?socketTimeout=0"))).singleElement().asString()
                .contains("scheduler.dsn: expected mysql://HOST[:PORT]/DATABASE");
        assertThat(errors(JDBC.replace("198.51.100.200", "$(reboot)"))).singleElement().asString()
                .contains("scheduler.dsn");
    }

    @Test
    void jdbcKeysWithTheMemoryStoreAreAnError() {
        assertThat(errors("scheduler:\n  store: memory\n  dsn: mysql://198.51.100.200/x\n")).singleElement()
                .asString().contains("scheduler.dsn: only with store: jdbc");
        assertThat(errors("scheduler:\n  store: redis\n")).singleElement().asString()
                .contains("scheduler.store: expected memory or jdbc, found 'redis'");
    }

    @Test
    void aLeaseShorterThanOneStepPlusASecondIsRefused() {
        assertThat(errors(JDBC + "  repair_lease: 3s\n")).singleElement().asString()
                .contains("scheduler.repair_lease: must be at least repairs.step_timeout + 1s (6000ms)");
    }

    @Test
    void aMissingPasswordIsNamedNotGuessed() {
        assertThat(errors(JDBC.replace("  password_file: jobstore.pw\n", ""))).singleElement().asString()
                .contains("scheduler.password_file: required");
    }
}
