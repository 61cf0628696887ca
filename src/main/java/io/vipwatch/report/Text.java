package io.vipwatch.report;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;

/** Small text-layout helpers shared by every human-readable output: tables and durations. */
public final class Text {
    private Text() {
    }

    /** Prints rows as left-aligned columns two spaces apart; the first row sets the column count. */
    public static void columns(PrintWriter out, List<String[]> rows) {
        int[] width = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? row[i] : String.format("%-" + (width[i] + 2) + "s", row[i]));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    /** A duration as people say it, to two units: {@code 45s}, {@code 3m 12s}, {@code 2h 5m}, {@code 6d 13h}. */
    public static String duration(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s >= 86_400) {
            return s / 86_400 + "d " + s % 86_400 / 3600 + "h";
        }
        if (s >= 3600) {
            return s / 3600 + "h " + s % 3600 / 60 + "m";
        }
        if (s >= 60) {
            return s / 60 + "m " + s % 60 + "s";
        }
        return s + "s";
    }
}
