package io.vipwatch.silence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vipwatch.testing.FakeClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SilenceStoreTest {
    private static final Instant T0 = Instant.parse("2025-06-01T10:00:00Z");

    @TempDir
    Path dir;

    private final FakeClock clock = new FakeClock(T0);

    private Path stateDir() {
        return dir.resolve("state");
    }

    private SilenceStore store() {
        return new SilenceStore(stateDir(), clock);
    }

    @Test
    void aMissingStateDirectoryMeansNoSilences() throws Exception {
        SilenceStore store = store();
        assertThat(store.list()).isEmpty();
        assertThat(store.current()).isEmpty();
        assertThat(store.readProblem()).isEmpty();
        assertThat(stateDir()).doesNotExist();
    }

    @Test
    void addCreatesTheDirectoryAndARestartedStoreSeesTheSilence() throws Exception {
        Silence added = store().add("main", Optional.of("rw"), Duration.ofHours(2), "MHA switch", "alice");
        assertThat(added.id()).matches("[0-9a-f]{8}");
        assertThat(added.createdAt()).isEqualTo(T0);
        assertThat(added.endsAt()).isEqualTo(T0.plus(Duration.ofHours(2)));

        SilenceStore restarted = new SilenceStore(stateDir(), clock);
        assertThat(restarted.list()).containsExactly(added);
        assertThat(restarted.current()).containsExactly(added);
        assertThat(Files.readString(stateDir().resolve("silences.json"))).contains("\"version\" : 1",
                "\"id\" : \"" + added.id() + "\"", "\"vip\" : \"rw\"", "\"created_at\" : \"2025-06-01T10:00:00Z\"",
                "\"ends_at\" : \"2025-06-01T12:00:00Z\"", "\"expired_at\" : null", "\"created_by\" : \"alice\"");
    }

    @Test
    void theFileStaysReadableForAServiceRunningAsAnotherUser() throws Exception {
        store().add("main", Optional.empty(), Duration.ofHours(1), "r", "alice");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stateDir().resolve("silences.json"))))
                .isEqualTo("rw-r--r--");
        try (var files = Files.list(stateDir())) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("silences.json", "silences.lock"); // no temp file left behind
        }
    }

    @Test
    void expireEndsTheSilenceNowAndSaysWhenItWasAlreadyOver() throws Exception {
        SilenceStore store = store();
        Silence s = store.add("main", Optional.empty(), Duration.ofHours(2), "r", "alice");
        clock.advance(Duration.ofMinutes(10));

        SilenceStore.Expired first = store.expire(s.id());
        assertThat(first.wasAlreadyOver()).isFalse();
        assertThat(first.silence().expiredAt()).contains(T0.plus(Duration.ofMinutes(10)));
        assertThat(store.list()).containsExactly(first.silence());
        assertThat(store.list().get(0).activeAt(clock.instant())).isFalse();

        clock.advance(Duration.ofMinutes(1));
        SilenceStore.Expired again = store.expire(s.id());
        assertThat(again.wasAlreadyOver()).isTrue();
        assertThat(again.silence().expiredAt()).contains(T0.plus(Duration.ofMinutes(10)));
    }

    @Test
    void aSilenceThatRanOutIsAlreadyOverToo() throws Exception {
        SilenceStore store = store();
        Silence s = store.add("main", Optional.empty(), Duration.ofHours(2), "r", "alice");
        clock.advance(Duration.ofHours(2));
        SilenceStore.Expired result = store.expire(s.id());
        assertThat(result.wasAlreadyOver()).isTrue();
        assertThat(result.silence().expiredAt()).isEmpty();
    }

    @Test
    void expiringAnUnknownIdNamesTheActiveOnes() throws Exception {
        SilenceStore store = store();
        assertThatThrownBy(() -> store.expire("deadbeef")).isInstanceOf(UnknownSilenceException.class)
                .hasMessage("no silence with id 'deadbeef' in " + stateDir().toAbsolutePath().resolve("silences.json")
                        + " (active: none; see vipwatch silence list --all)");
        Silence s = store.add("main", Optional.empty(), Duration.ofHours(2), "r", "alice");
        assertThatThrownBy(() -> store.expire("deadbeef")).isInstanceOf(UnknownSilenceException.class)
                .hasMessageContaining("(active: " + s.id() + ";");
    }

    @Test
    void silencesEndOnTimeByTheClock() throws Exception {
        SilenceStore store = store();
        Silence s = store.add("main", Optional.empty(), Duration.ofMinutes(30), "r", "alice");
        clock.advance(Duration.ofMinutes(30).minusMillis(1));
        assertThat(s.activeAt(clock.instant())).isTrue();
        clock.advance(Duration.ofMillis(1));
        assertThat(store.current().get(0).activeAt(clock.instant())).isFalse();
    }

    @Test
    void endedSilencesArePrunedAWeekAfterTheyEndedOnTheNextWrite() throws Exception {
        SilenceStore store = store();
        Silence old = store.add("main", Optional.empty(), Duration.ofHours(1), "old", "alice");
        clock.advance(Duration.ofHours(1).plus(SilenceStore.KEEP_ENDED)); // old ended exactly a week ago: kept
        Silence kept = store.add("main", Optional.empty(), Duration.ofHours(1), "kept", "alice");
        assertThat(store.list()).containsExactly(old, kept);
        clock.advance(Duration.ofSeconds(1)); // the store keeps whole seconds
        Silence newer = store.add("main", Optional.empty(), Duration.ofHours(1), "newer", "alice");
        assertThat(store.list()).containsExactly(kept, newer);
    }

    @Test
    void concurrentWritersFromTwoStoresAndManyThreadsLoseNothing() throws Exception {
        SilenceStore a = store();
        SilenceStore b = new SilenceStore(stateDir(), clock);
        int threads = 4;
        int perThread = 20;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<String>>> futures = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                SilenceStore store = t % 2 == 0 ? a : b;
                String vip = "vip" + t;
                Callable<List<String>> writer = () -> {
                    start.await();
                    List<String> ids = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        ids.add(store.add("main", Optional.of(vip), Duration.ofHours(1), "n" + i, "t").id());
                    }
                    return ids;
                };
                futures.add(pool.submit(writer));
            }
            start.countDown();
            List<String> written = new ArrayList<>();
            for (Future<List<String>> f : futures) {
                written.addAll(f.get());
            }
            assertThat(written).doesNotHaveDuplicates().hasSize(threads * perThread);
            assertThat(store().list().stream().map(Silence::id).toList()).containsExactlyInAnyOrderElementsOf(written);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void writersInOtherProcessesLoseNothingEither() throws Exception {
        int perWriter = 15;
        List<Process> children = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            children.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), Writer.class.getName(), stateDir().toString(),
                    Integer.toString(perWriter), "child" + i).redirectErrorStream(true).start());
        }
        SilenceStore here = new SilenceStore(stateDir(), java.time.Clock.systemUTC());
        for (int i = 0; i < perWriter; i++) {
            here.add("main", Optional.empty(), Duration.ofHours(1), "parent", "t");
        }
        for (Process p : children) {
            assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("child finished").isTrue();
            assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        }
        assertThat(here.list()).extracting(Silence::reason).filteredOn("parent"::equals).hasSize(perWriter);
        assertThat(here.list()).extracting(Silence::reason).filteredOn("child0"::equals).hasSize(perWriter);
        assertThat(here.list()).extracting(Silence::reason).filteredOn("child1"::equals).hasSize(perWriter);
    }

    /** A second process adding silences: {@code STATE_DIR COUNT REASON}. */
    static final class Writer {
        public static void main(String[] args) throws IOException {
            SilenceStore store = new SilenceStore(Path.of(args[0]), java.time.Clock.systemUTC());
            for (int i = 0; i < Integer.parseInt(args[1]); i++) {
                store.add("main", Optional.empty(), Duration.ofHours(1), args[2], "t");
            }
        }
    }

    @Test
    void aCorruptFileKeepsTheServicesLastGoodSilencesAndIsNeverOverwritten() throws Exception {
        SilenceStore cli = store();
        SilenceStore service = new SilenceStore(stateDir(), clock);
        Silence s = cli.add("main", Optional.empty(), Duration.ofHours(2), "r", "alice");
        assertThat(service.current()).containsExactly(s);

        Path file = stateDir().resolve("silences.json");
        Files.writeString(file, "{\"version\": 1, \"silences\": [{\"id\": \"x\"");
        assertThat(service.current()).containsExactly(s);
        assertThat(service.readProblem()).contains(file + " is not a valid silences file: not valid JSON at line 1: "
                + "Unexpected end-of-input: expected close marker for Object");
        assertThatThrownBy(cli::list).isInstanceOf(IOException.class).hasMessageContaining("not a valid silences file");
        assertThatThrownBy(() -> cli.add("main", Optional.empty(), Duration.ofHours(1), "r", "a"))
                .isInstanceOf(IOException.class).hasMessageEndingWith("; not changing it (fix or remove it)");
        assertThat(Files.readString(file)).isEqualTo("{\"version\": 1, \"silences\": [{\"id\": \"x\"");

        Files.delete(file);
        assertThat(service.current()).isEmpty();
        assertThat(service.readProblem()).isEmpty();
    }

    @Test
    void anEntryMissingAFieldMakesTheWholeFileUnreadable() throws Exception {
        Files.createDirectories(stateDir());
        Files.writeString(stateDir().resolve("silences.json"), """
                {"version": 1, "silences": [
                  {"id": "aaaaaaaa", "cluster": "main", "vip": null, "created_at": "2025-06-01T10:00:00Z",
                   "ends_at": "2025-06-01T12:00:00Z", "expired_at": null, "reason": "r", "created_by": "a"},
                  {"id": "bbbbbbbb", "cluster": "main", "created_at": "2025-06-01T10:00:00Z",
                   "ends_at": "2025-06-01T12:00:00Z", "created_by": "a"}]}
                """);
        assertThatThrownBy(store()::list).hasMessageEndingWith(
                "is not a valid silences file: silences[1].reason: expected a string, found null");
        Files.writeString(stateDir().resolve("silences.json"), "{\"version\": 2, \"silences\": []}");
        assertThatThrownBy(store()::list).hasMessageEndingWith(
                "expected \"version\": 1, found 2 (written by another vipwatch version?)");
    }

    @Test
    void currentReReadsOnlyWhenTheFileChanged() throws Exception {
        SilenceStore cli = store();
        SilenceStore service = new SilenceStore(stateDir(), clock);
        Silence s = cli.add("main", Optional.empty(), Duration.ofHours(2), "aaaa", "alice");
        assertThat(service.current()).containsExactly(s);

        // same inode, same size, same mtime: current() must answer from its cache, not read the (changed) bytes
        Path file = stateDir().resolve("silences.json");
        FileTime mtime = Files.getLastModifiedTime(file);
        String sameSize = Files.readString(file).replace("\"aaaa\"", "\"bbbb\"");
        Files.write(file, sameSize.getBytes(StandardCharsets.UTF_8));
        Files.setLastModifiedTime(file, mtime);
        assertThat(service.current()).containsExactly(s);
        assertThat(new SilenceStore(stateDir(), clock).current().get(0).reason()).isEqualTo("bbbb");

        Silence second = cli.add("main", Optional.empty(), Duration.ofHours(2), "second", "alice");
        assertThat(service.current()).extracting(Silence::id).containsExactly(s.id(), second.id());
    }
}
