package dev.brigade.manager.daemon;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a dead daemon or client left in BRIGADE_HOME: reply pipes ({@code ls-PID.fifo}), request files
 * ({@code cli-PID.req}) and temporary files ({@code *.tmpPID}) whose process is gone. Swept by a new daemon
 * before it serves (the socket, pipe and pid file it replaces itself).
 */
final class Stale {
    private static final Pattern PID_FILE = Pattern.compile("(?:ls-(\\d{1,10})\\.fifo|cli-(\\d{1,10})\\.req|.+\\.tmp(\\d{1,10}))");

    private Stale() {
    }

    /** Deletes the files of {@code home} named after a process that no longer runs; returns how many. */
    static int sweep(Home home) {
        int n = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(home.dir())) {
            for (Path p : files) {
                Matcher m = PID_FILE.matcher(p.getFileName().toString());
                if (!m.matches()) {
                    continue;
                }
                String pid = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
                if (ProcessHandle.of(Long.parseLong(pid)).isEmpty() && Files.deleteIfExists(p)) {
                    n++;
                }
            }
        } catch (IOException | RuntimeException e) {
            System.err.println(Daemon.stamp() + " brigade daemon: cannot sweep " + home.dir() + ": " + e.getMessage());
        }
        return n;
    }

    /** True if this process leads its session (the daemon, started by setsid): every app it spawns is in it. */
    static boolean leadsSession() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[3]) == ProcessHandle.current().pid();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
