package io.vipwatch.cli;

/** The process exit codes, stable for scripts and monitoring. */
final class ExitCodes {
    /** Every VIP healthy (check), or the config is valid (validate). */
    static final int OK = 0;
    /** At least one VIP has a problem. */
    static final int PROBLEMS = 1;
    /** The config or a rule file is invalid, or the command line is wrong; nothing was probed. */
    static final int BAD_CONFIG = 2;
    /** vipwatch itself failed (a bug, or the machine refused something essential). */
    static final int INTERNAL = 3;

    private ExitCodes() {
    }
}
