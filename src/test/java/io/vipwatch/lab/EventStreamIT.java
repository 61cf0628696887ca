package io.vipwatch.lab;

import static io.vipwatch.lab.Lab.RW;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Event-driven detection: with polling every 30 s, a deleted VIP is still noticed and repaired within seconds,
 * because each host's {@code ip -o monitor address} stream starts the VIP's cycle at once; a stream cut by the
 * host is reopened; and stopping the service leaves no monitor process on any host.
 */
class EventStreamIT {
    private static final Duration FAST = Duration.ofSeconds(10);
    private static final List<String> HOSTS = List.of("db1", "db2", "db3");

    @Test
    void eventsRepairLongBeforeTheNextPollAndStreamsSurviveAHostCuttingThem() throws Exception {
        Lab.heal();
        Service service = Service.start("events", 9178,
                Map.of("  interval: 1s\n", "  interval: 30s\n  event_streams: true\n"));
        try {
            service.await("a stream to every host", FAST, s -> openStreams(s).containsAll(HOSTS));

            long before = System.nanoTime();
            Lab.fault("vip-del", "db1", RW);
            service.await("rw back on db1 long before the 30 s poll", FAST, s -> Lab.holds("db1", RW));
            long repairedMs = (System.nanoTime() - before) / 1_000_000;
            System.out.printf("EventStreamIT: VIP deleted -> back on db1 in %d ms (polling every 30 s)%n", repairedMs);
            assertThat(service.audit()).anySatisfy(a -> assertThat(a.get("plan").asText()).isEqualTo("restore-vip"));

            Lab.fault("sshd-stop", "db2", "--sessions");
            service.await("db2's stream seen down", FAST, s -> !openStreams(s).contains("db2"));
            Lab.fault("sshd-start", "db2");
            service.await("db2's stream open again", Duration.ofSeconds(40), s -> openStreams(s).contains("db2"));
            assertThat(monitorsOn("db2")).as("only the new stream's monitor runs on db2: the cut one hung up")
                    .hasSize(1);

            Lab.fault("vip-add", "db2", RW);
            service.await("the second holder removed long before the 30 s poll", FAST,
                    s -> !Lab.holds("db2", RW) && Lab.holds("db1", RW));
        } finally {
            service.stop();
        }
        // the service is gone: poll the hosts themselves, with a deadline
        long deadline = System.nanoTime() + FAST.toNanos();
        List<String> left = leftovers();
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100); // polling interval of a condition with a deadline
            left = leftovers();
        }
        assertThat(left).as("ip monitor processes left on the hosts after the service stopped").isEmpty();
    }

    private static List<String> leftovers() {
        List<String> out = new ArrayList<>();
        HOSTS.forEach(h -> out.addAll(monitorsOn(h)));
        return out;
    }

    private static List<String> openStreams(Service s) {
        JsonNode open = s.status().get("event_streams_open");
        List<String> out = new ArrayList<>();
        open.forEach(h -> out.add(h.asText()));
        return out;
    }

    /** Command lines of the processes in a host's namespace that run {@code ip ... monitor}. */
    private static List<String> monitorsOn(String host) {
        Lab.Run pids = Lab.run(List.of("ip", "netns", "pids", Lab.ns(host)), Duration.ofSeconds(10));
        List<String> out = new ArrayList<>();
        for (String pid : pids.stdout().split("\\s+")) {
            if (pid.isBlank()) {
                continue;
            }
            try {
                String cmd = Files.readString(Path.of("/proc", pid, "cmdline")).replace('\0', ' ').strip();
                if (cmd.startsWith("ip ") && cmd.contains("monitor")) {
                    out.add(pid + ": " + cmd);
                }
            } catch (java.io.IOException e) {
                // the process ended meanwhile
            }
        }
        return out;
    }
}
