package dev.brigade.manager.config;

import java.nio.file.Path;

/**
 * What a command takes from the process that typed it: the working directory (relative paths),
 * PATH (commands of fork-mode apps) and the java binary (Java apps' JVM). Usually this process's
 * own; when the daemon runs a command for the launcher's bash client, the client's.
 */
public record Host(Path cwd, String path, String javaBin) {
    /** This process's. */
    public static Host current() {
        return new Host(Path.of("").toAbsolutePath(), System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"),
                ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    }
}
