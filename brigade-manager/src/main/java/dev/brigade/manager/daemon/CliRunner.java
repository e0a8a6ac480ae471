package dev.brigade.manager.daemon;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Runs a {@code brigade} command inside the daemon for the launcher's bash client ({@link ListFifo}),
 * with the client's directory, PATH and java binary: the command's JVM start-up (~0.25 s) is then
 * paid once, by the daemon. Given by the {@code daemon} command (the daemon package does not know
 * the CLI).
 */
@FunctionalInterface
public interface CliRunner {
    /** The commands run this way: those that only talk to the daemon and print; never one that follows or waits on a terminal. */
    Set<String> COMMANDS = Set.of("start", "stop", "restart", "reload", "scale", "delete", "del", "describe", "flush", "save",
            "resurrect");

    /** Runs {@code args} (a command of {@link #COMMANDS} and its options) and returns its exit code. */
    int run(List<String> args, Path cwd, String path, String javaBin, PrintStream out, PrintStream err);
}
