package dev.brigade.manager.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time and resident memory of a process, from one read of {@code /proc/PID/stat}. */
record ProcStats(long cpuTicks, long rssBytes) {
    /** Clock ticks per second of {@code /proc} times (USER_HZ: 100 on every Linux build that matters). */
    static final int TICKS_PER_SECOND = 100;
    private static final long PAGE = 4096;

    /** The process's figures, or null if it is gone. */
    static ProcStats of(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
            long rss = Long.parseLong(f[21]) * PAGE;                    // rss in pages (field 24)
            return new ProcStats(ticks, rss);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The daemon's own resident memory (for the bench), in bytes; -1 if unknown. */
    static long selfRss() {
        ProcStats s = of(ProcessHandle.current().pid());
        return s == null ? -1 : s.rssBytes();
    }
}
