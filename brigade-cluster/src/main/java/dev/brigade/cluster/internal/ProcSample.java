package dev.brigade.cluster.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CPU time, resident and proportional memory of a process, read from {@code /proc} for metrics.
 * Reading {@code smaps_rollup} walks every mapping of the process (a JVM has hundreds), so a
 * process's figures are read at most once per {@link #MAX_AGE_NANOS} however many meters ask for
 * them: a scrape of many workers' meters costs one read per worker, and two scrapes in the same
 * second cost none. Public for the manager (the package is not exported).
 *
 * @param cpuSeconds user + system CPU time since the process started
 * @param rssBytes   resident set size
 * @param pssBytes   proportional set size (shared pages divided among their users), -1 where the
 *                   kernel has no {@code smaps_rollup} (before 4.14)
 */
public record ProcSample(double cpuSeconds, long rssBytes, long pssBytes) {
    /** How long one reading is served again. */
    public static final long MAX_AGE_NANOS = 1_000_000_000L;
    /** Clock ticks per second of {@code /proc} times (USER_HZ: 100 on every Linux build that matters). */
    private static final int TICKS_PER_SECOND = 100;
    private static final long PAGE = 4096;
    private static final Map<Long, Timed> CACHE = new ConcurrentHashMap<>(); // pid -> last reading
    private static final int CACHE_LIMIT = 4096;

    private record Timed(long at, ProcSample sample) {
    }

    /**
     * The figures of {@code pid}, at most {@link #MAX_AGE_NANOS} old.
     *
     * @param pid a process id
     * @return its figures, or null if it is gone (or not a process of this machine)
     */
    public static ProcSample of(long pid) {
        if (pid <= 0) {
            return null;
        }
        long now = System.nanoTime();
        Timed t = CACHE.get(pid);
        if (t != null && now - t.at() < MAX_AGE_NANOS) {
            return t.sample();
        }
        ProcSample s = read(pid);
        if (s == null) {
            CACHE.remove(pid);
            return null;
        }
        if (CACHE.size() >= CACHE_LIMIT) {
            CACHE.clear(); // pids of long-gone processes: never let the cache grow with restarts
        }
        CACHE.put(pid, new Timed(now, s));
        return s;
    }

    /** Whether this kernel reports PSS ({@code /proc/self/smaps_rollup} exists). */
    public static boolean pssAvailable() {
        return Files.isReadable(Path.of("/proc/self/smaps_rollup"));
    }

    private static ProcSample read(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name (field 2) may hold spaces and parentheses: count fields after its last ')'
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
            long rss = Long.parseLong(f[21]) * PAGE;                    // rss in pages (field 24)
            long pss = ProcStat.pssBytes(pid);
            return new ProcSample((double) ticks / TICKS_PER_SECOND, rss, pss);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
