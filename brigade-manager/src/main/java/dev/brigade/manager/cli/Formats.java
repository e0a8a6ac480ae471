package dev.brigade.manager.cli;

import dev.brigade.manager.daemon.AppInfo;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** How the manager's commands print apps: the {@code ls} table, durations and sizes. */
final class Formats {
    static final List<String> HEADER = List.of("id", "name", "#", "mode", "pid", "status", "uptime", "restarts", "cpu", "memory");

    private Formats() {
    }

    /** The {@code ls} table: one row per instance. */
    static void table(PrintStream out, List<AppInfo> apps) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADER);
        for (AppInfo a : apps) {
            for (AppInfo.InstanceInfo i : a.instances()) {
                rows.add(List.of(String.valueOf(a.id()), a.name(), String.valueOf(i.instance()), a.mode(),
                        i.pid() == 0 ? "-" : String.valueOf(i.pid()), i.status(), i.pid() == 0 ? "-" : duration(i.uptimeMs()),
                        String.valueOf(i.restarts()), String.format(Locale.ROOT, "%.0f%%", i.cpuPercent()), bytes(i.memoryBytes())));
            }
        }
        int[] w = new int[HEADER.size()];
        for (List<String> r : rows) {
            for (int c = 0; c < w.length; c++) {
                w[c] = Math.max(w[c], r.get(c).length());
            }
        }
        for (List<String> r : rows) {
            StringBuilder sb = new StringBuilder();
            for (int c = 0; c < w.length; c++) {
                sb.append(String.format("%-" + w[c] + "s", r.get(c))).append(c < w.length - 1 ? "  " : "");
            }
            out.println(sb.toString().stripTrailing());
        }
        for (AppInfo a : apps) {
            if (a.logError() != null) {
                out.println("warning: " + a.name() + ": " + a.logError());
            }
        }
    }

    static String duration(long ms) {
        long s = ms / 1000;
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m";
        }
        return s < 86_400 ? s / 3600 + "h" : s / 86_400 + "d";
    }

    static String bytes(long b) {
        if (b <= 0) {
            return "-";
        }
        return b < 1 << 20 ? b / 1024 + " KB" : String.format(Locale.ROOT, "%.1f MB", b / 1048576.0);
    }
}
