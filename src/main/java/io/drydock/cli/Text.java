package io.drydock.cli;

import java.util.ArrayList;
import java.util.List;

/** Small helpers for terminal output: aligned tables and human sizes. */
final class Text {
    private Text() {
    }

    static String bytes(long n) {
        if (n < 0) return "?";
        if (n < 1024) return n + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(v >= 100 ? "%.0f %s" : "%.1f %s", v, units[u]);
    }

    /** Renders rows as left-aligned columns; the last column is never padded. */
    static String table(List<String[]> rows) {
        if (rows.isEmpty()) return "";
        int cols = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        int[] width = new int[cols];
        for (String[] r : rows) for (int i = 0; i < r.length - 1; i++) width[i] = Math.max(width[i], r[i].length());
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                sb.append(r[i]);
                if (i < r.length - 1) sb.append(" ".repeat(width[i] - r[i].length() + 2));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static List<String[]> rows() {
        return new ArrayList<>();
    }

    static String oneLine(String s, int max) {
        if (s == null) return "";
        String t = s.replaceAll("\\s+", " ").trim();
        return t.length() <= max ? t : t.substring(0, max - 1) + "…";
    }
}
