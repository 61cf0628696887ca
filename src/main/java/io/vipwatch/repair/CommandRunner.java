package io.vipwatch.repair;

import io.vipwatch.config.HostConfig;
import io.vipwatch.remote.CommandResult;
import io.vipwatch.remote.LocalExec;
import io.vipwatch.remote.SshPool;
import java.time.Duration;
import java.util.List;

/**
 * Where repair commands go: a host over SSH, or the watchdog host itself. An interface so that unit tests can
 * record commands and script their results. Neither method throws for remote failures.
 */
interface CommandRunner {
    /** Runs a shell line built by {@link RepairCommands} (already quoted) on {@code host}. */
    CommandResult remote(HostConfig host, String line, Duration timeout);

    /** Runs {@code argv} on the watchdog host, without a shell. */
    CommandResult local(List<String> argv, Duration timeout);

    static CommandRunner of(SshPool ssh, LocalExec local) {
        return new CommandRunner() {
            @Override
            public CommandResult remote(HostConfig host, String line, Duration timeout) {
                return ssh.execScript(host, line, timeout);
            }

            @Override
            public CommandResult local(List<String> argv, Duration timeout) {
                return local.run(argv, timeout);
            }
        };
    }
}
