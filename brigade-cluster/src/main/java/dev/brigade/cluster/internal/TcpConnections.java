package dev.brigade.cluster.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Open (established) TCP connections whose local port is one of a set, from {@code /proc/net/tcp}
 * and {@code tcp6}: what the workers sharing a declared port are serving right now. One reading of
 * the tables is served again for {@link ProcSample#MAX_AGE_NANOS}, so many meters cost one read.
 * Public for the manager (the package is not exported).
 */
public final class TcpConnections {
    private static final String ESTABLISHED = "01";
    private static volatile Map<Integer, Integer> lastCounts = Map.of(); // local port -> established connections
    private static volatile long lastAt;

    private TcpConnections() {
    }

    /**
     * Established connections whose local port is in {@code ports}.
     *
     * @param ports local ports
     * @return how many connections are open on them, 0 if none (or no {@code /proc})
     */
    public static int established(Collection<Integer> ports) {
        if (ports.isEmpty()) {
            return 0;
        }
        Map<Integer, Integer> counts = counts();
        int n = 0;
        for (int p : ports) {
            n += counts.getOrDefault(p, 0);
        }
        return n;
    }

    private static Map<Integer, Integer> counts() {
        long now = System.nanoTime();
        if (now - lastAt < ProcSample.MAX_AGE_NANOS && lastAt != 0) {
            return lastCounts;
        }
        Map<Integer, Integer> counts = new HashMap<>();
        read(Path.of("/proc/net/tcp"), counts);
        read(Path.of("/proc/net/tcp6"), counts);
        lastCounts = counts;
        lastAt = now;
        return counts;
    }

    /** Lines like {@code "  0: 0100007F:1F90 0100007F:C1A2 01 ..."}: local address:port (hex), remote, state. */
    static void read(Path table, Map<Integer, Integer> counts) {
        try (BufferedReader r = Files.newBufferedReader(table)) {
            r.readLine(); // the header
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String[] f = line.trim().split("\\s+", 5);
                if (f.length < 4 || !ESTABLISHED.equals(f[3])) {
                    continue;
                }
                int colon = f[1].lastIndexOf(':');
                counts.merge(Integer.parseInt(f[1].substring(colon + 1), 16), 1, Integer::sum);
            }
        } catch (IOException | RuntimeException e) {
            // no such table (no IPv6) or no /proc: nothing counted from it
        }
    }
}
