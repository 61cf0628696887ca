package io.vipwatch.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: {@code vipwatch <command>}. Exit codes are documented in {@link ExitCodes}. */
@Command(name = "vipwatch", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Watches the virtual IPs in front of MySQL clusters and repairs them safely: where each VIP "
                + "lives, whether ARP, ping and SQL through it agree, what is wrong and what to do about it.",
        subcommands = {CheckCommand.class, RunCommand.class, ValidateCommand.class, MhaCommand.class,
                SilenceCommand.class, AlertCommand.class, CdsTrainingCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 healthy, 1 problems found, 2 bad config or usage, 3 internal error.",
                "Documentation: README.md"})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.BAD_CONFIG);
        cl.getCommandSpec().exitCodeOnExecutionException(ExitCodes.INTERNAL);
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
