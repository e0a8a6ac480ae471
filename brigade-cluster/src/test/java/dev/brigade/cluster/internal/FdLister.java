package dev.brigade.cluster.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A worker main for tests: prints "fd target" for each of its open descriptors, then exits 7; with "wait", it waits first. */
public final class FdLister {
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("wait")) {
            Thread.sleep(60_000); // the app's own behaviour: a process that is up until it is killed
        }
        List<Path> fds;
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            fds = s.toList();
        }
        StringBuilder out = new StringBuilder();
        for (Path fd : fds) {
            try {
                out.append("fd ").append(fd.getFileName()).append(' ').append(Files.readSymbolicLink(fd)).append('\n');
            } catch (java.io.IOException gone) {
                // the directory stream's own descriptor is closed by now
            }
        }
        System.out.print(out);
        System.out.flush();
        System.exit(7);
    }
}
