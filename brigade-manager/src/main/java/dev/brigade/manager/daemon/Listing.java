package dev.brigade.manager.daemon;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How apps read on a terminal: the {@code ls} table (one row per instance), its JSON form, and the
 * duration and size formats every command shares. The daemon renders {@code ls} itself when asked
 * ({@link Request.ListRendered}), so the quickest client needs no data binding at all.
 */
public final class Listing {
    public static final List<String> HEADER = List.of("id", "name", "#", "mode", "pid", "status", "uptime", "restarts", "cpu", "memory");

    private static final JsonMapper PRETTY = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private Listing() {
    }

    /** The {@code ls} table, each line ended by a newline, then a warning per app whose logs cannot be written. */
    public static String table(List<AppInfo> apps) {
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
        StringBuilder out = new StringBuilder();
        for (List<String> r : rows) {
            StringBuilder sb = new StringBuilder();
            for (int c = 0; c < w.length; c++) {
                sb.append(r.get(c)).append(" ".repeat(w[c] - r.get(c).length())).append(c < w.length - 1 ? "  " : "");
            }
            out.append(sb.toString().stripTrailing()).append('\n');
        }
        for (AppInfo a : apps) {
            if (a.logError() != null) {
                out.append("warning: ").append(a.name()).append(": ").append(a.logError()).append('\n');
            }
        }
        return out.toString();
    }

    /** The apps as indented JSON (every field of every instance), ended by a newline. */
    public static String json(List<AppInfo> apps) {
        try {
            return PRETTY.writeValueAsString(apps) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the apps as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** 42s, 7m, 3h, 2d. */
    public static String duration(long ms) {
        long s = ms / 1000;
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m";
        }
        return s < 86_400 ? s / 3600 + "h" : s / 86_400 + "d";
    }

    /** 512 KB, 31.4 MB; "-" when unknown. */
    public static String bytes(long b) {
        if (b <= 0) {
            return "-";
        }
        return b < 1 << 20 ? b / 1024 + " KB" : String.format(Locale.ROOT, "%.1f MB", b / 1048576.0);
    }
}
