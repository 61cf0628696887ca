package io.vipwatch.cli;

import picocli.CommandLine;

/** The version from the jar's manifest, written there by the build. */
final class VersionProvider implements CommandLine.IVersionProvider {
    /** The jar's version, or {@code development} when run from classes. */
    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"vipwatch " + (v == null ? "(development build)" : v),
                "Java " + System.getProperty("java.version") + " on " + System.getProperty("os.name")};
    }
}
