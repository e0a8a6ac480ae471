package dev.brigade.cluster.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** Test helper: this process's pipes, sockets and anonymous inodes. */
public final class Fds {
    private Fds() {
    }

    public static Set<String> anonymous() throws IOException {
        return SpawnerTest.anonymous(Path.of("/proc/self/fd"));
    }

    public static long count() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }
}
