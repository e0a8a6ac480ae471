package dev.brigade.cluster.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Memory of a process from /proc: RSS (cheap, /proc/PID/status) and PSS (smaps_rollup, the honest share). */
public final class ProcStat {
    private ProcStat() {
    }

    /** Resident set size in bytes, or -1 if the process is gone. */
    public static long rssBytes(long pid) {
        return kib(Path.of("/proc", Long.toString(pid), "status"), "VmRSS:");
    }

    /** Proportional set size in bytes (shared pages divided among their users), or -1. */
    public static long pssBytes(long pid) {
        return kib(Path.of("/proc", Long.toString(pid), "smaps_rollup"), "Pss:");
    }

    private static long kib(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]) * 1024;
                }
            }
            return -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
