package io.vipwatch.repair;

import io.vipwatch.config.HostConfig;
import io.vipwatch.remote.CommandResult;
import io.vipwatch.remote.ShellWords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records every command a repair runs ({@code "db1: ip addr add ..."}, {@code "local: ip neigh del ..."}) and
 * answers like a healthy lab: {@code arping -D} hears nothing (cut short, exit 124), every gratuitous packet is
 * sent (exit 124 after its linger), everything else exits 0. {@link #answer} scripts other results by substring.
 */
final class FakeRunner implements CommandRunner {
    final List<String> calls = new ArrayList<>();
    final List<Duration> timeouts = new ArrayList<>();
    private final Map<String, CommandResult> answers = new LinkedHashMap<>();

    /** The first call on {@code where} whose command contains {@code fragment} gets this result, and later ones. */
    FakeRunner answer(String where, String fragment, CommandResult.Outcome outcome, int exit, String stdout,
                      String stderr) {
        answers.put(where + ": " + fragment, new CommandResult(where, "", outcome, exit, stdout, stderr,
                Duration.ofMillis(3), outcome == CommandResult.Outcome.COMPLETED ? "" : "scripted " + outcome));
        return this;
    }

    @Override
    public CommandResult remote(HostConfig host, String line, Duration timeout) {
        return run(host.name(), line, timeout);
    }

    @Override
    public CommandResult local(List<String> argv, Duration timeout) {
        return run("local", ShellWords.join(argv), timeout);
    }

    private CommandResult run(String where, String line, Duration timeout) {
        calls.add(where + ": " + line);
        timeouts.add(timeout);
        for (Map.Entry<String, CommandResult> e : answers.entrySet()) {
            String[] key = e.getKey().split(": ", 2);
            if (key[0].equals(where) && line.contains(key[1])) {
                CommandResult a = e.getValue();
                return new CommandResult(where, line, a.outcome(), a.exitCode(), a.stdout(), a.stderr(), a.elapsed(),
                        a.detail());
            }
        }
        if (line.contains("arping -D")) {
            return completed(where, line, 124, "ARPING 198.51.100.100 from 0.0.0.0 eth0\nSent 1 probes\n");
        }
        if (line.contains(RepairCommands.RC_MARK)) {
            int packets = line.split(RepairCommands.RC_MARK, -1).length - 1;
            return completed(where, line, 0, (RepairCommands.RC_MARK + "124\n").repeat(packets));
        }
        if (line.startsWith("ip -o link show dev ")) {
            String dev = line.substring("ip -o link show dev ".length());
            return completed(where, line, 0, "3: " + dev + "@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 "
                    + "state UP\\    link/ether 02:00:00:00:00:0b brd ff:ff:ff:ff:ff:ff\n");
        }
        return completed(where, line, 0, "");
    }

    private static CommandResult completed(String where, String line, int exit, String stdout) {
        return new CommandResult(where, line, CommandResult.Outcome.COMPLETED, exit, stdout, "", Duration.ofMillis(3),
                "");
    }
}
