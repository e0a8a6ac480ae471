package dev.brigade.manager.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Who listens on a TCP port, for the "port in use" error: the listening sockets of
 * {@code /proc/net/tcp} and {@code tcp6} with that local port, then the process holding one of them
 * among those whose descriptors this user may read ({@code /proc/PID/fd}). Best effort: another
 * user's process is found as "another user's process".
 */
final class PortHolder {
    private static final String LISTEN = "0A";

    private PortHolder() {
    }

    /** " (held by pid N: command)", or "" when nothing is found (not Linux, or the socket went away). */
    static String describe(int port) {
        Set<String> inodes = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try (Stream<String> lines = Files.lines(Path.of(table))) {
                lines.skip(1).map(l -> l.trim().split("\\s+")).filter(f -> f.length > 9 && LISTEN.equals(f[3]))
                        .filter(f -> f[1].toUpperCase(Locale.ROOT).endsWith(String.format(Locale.ROOT, ":%04X", port)))
                        .forEach(f -> inodes.add("socket:[" + f[9] + "]"));
            } catch (IOException | RuntimeException e) {
                // no such table: try the other
            }
        }
        if (inodes.isEmpty()) {
            return "";
        }
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
                if (holds(p, inodes)) {
                    long pid = Long.parseLong(p.getFileName().toString());
                    String cmd = ProcessHandle.of(pid).flatMap(h -> h.info().commandLine()).orElse("?");
                    return " (held by pid " + pid + ": " + (cmd.length() > 120 ? cmd.substring(0, 117) + "..." : cmd) + ")";
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return " (held by another user's process)";
    }

    private static boolean holds(Path proc, Set<String> inodes) {
        try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
            return fds.anyMatch(fd -> {
                try {
                    return inodes.contains(Files.readSymbolicLink(fd).toString());
                } catch (IOException | RuntimeException e) {
                    return false;
                }
            });
        } catch (IOException | RuntimeException e) {
            return false; // not ours, or gone
        }
    }
}
