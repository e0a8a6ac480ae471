package dev.brigade.manager.daemon;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Starts the daemon for a client that found none: a detached JVM ({@code setsid}, so a closing
 * terminal does not take it along) running {@code dev.brigade.manager.cli.Main daemon}, with this
 * JVM's {@code java} and class path. Clients that race to start it take {@code start.lock} in
 * turn; the second one finds the first one's daemon and connects to it. (Even two daemons
 * started at once would leave one: the daemon's own lock decides.)
 */
public final class DaemonStarter {
    /** How long a new daemon may take to answer. */
    static final long START_TIMEOUT_MS = 20_000;
    /** The daemon's JVM flags: small and flat, not fast to peak. */
    static final List<String> JVM_FLAGS = List.of("-Xmx64m", "-Xss512k", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-XX:MaxMetaspaceSize=96m", "-Xshare:auto",
            "--enable-native-access=ALL-UNNAMED");

    private DaemonStarter() {
    }

    /** Starts a daemon unless another client just did, and connects to it; {@code daemonArgs} go to {@code brigade daemon}. */
    public static DaemonClient start(Home home, String... daemonArgs) throws IOException {
        return start(home, null, daemonArgs);
    }

    /**
     * The same, telling {@code notices} (when not null) that the previous daemon died, if its orphan guard left a
     * report ({@link OrphanGuard}): when, and which apps ran.
     */
    public static DaemonClient start(Home home, java.io.PrintStream notices, String... daemonArgs) throws IOException {
        home.prepare();
        try (FileChannel f = PrivateFiles.open(home.startLock(), StandardOpenOption.WRITE);
             FileLock lock = lock(f)) {
            DaemonClient c = DaemonClient.tryConnect(home);
            if (c != null) {
                return c; // a racing client started it while we waited for the lock
            }
            String death = OrphanGuard.takeDeathReport(home);
            if (death != null && notices != null) {
                notices.println("brigade: " + death);
            }
            PrivateFiles.open(home.daemonLog(), StandardOpenOption.WRITE).close(); // 0600 before the daemon appends to it
            Process p = spawn(home, daemonArgs);
            long deadline = System.nanoTime() + START_TIMEOUT_MS * 1_000_000;
            while (System.nanoTime() < deadline) {
                c = DaemonClient.tryConnect(home);
                if (c != null) {
                    return c;
                }
                if (!p.isAlive()) {
                    if (p.exitValue() != 3) {
                        throw new IOException("the daemon exited with code " + p.exitValue() + " at start-up; see " + home.daemonLog());
                    }
                    p = spawn(home, daemonArgs); // 3: the lock was still held by a daemon that was exiting
                }
                try {
                    Thread.sleep(20); // polling a socket that does not exist yet: there is nothing to wait on
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while starting the daemon");
                }
            }
            throw new IOException("the daemon did not answer within " + START_TIMEOUT_MS + " ms; see " + home.daemonLog());
        }
    }

    private static FileLock lock(FileChannel f) throws IOException {
        while (true) {
            try {
                return f.lock();
            } catch (OverlappingFileLockException e) {
                // another thread of this JVM holds it (tests race clients in one JVM): wait our turn
                try {
                    Thread.sleep(5);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for " + f);
                }
            }
        }
    }

    private static Process spawn(Home home, String... daemonArgs) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            cmd.add("/usr/bin/setsid");
        }
        cmd.add(java);
        cmd.addAll(JVM_FLAGS);
        // absolute entries: the daemon runs in BRIGADE_HOME
        String cp = String.join(File.pathSeparator, Arrays.stream(System.getProperty("java.class.path")
                .split(File.pathSeparator)).filter(e -> !e.isEmpty()).map(e -> e.endsWith("*")
                ? Path.of(e.substring(0, e.length() - 1)).toAbsolutePath() + "/*" : Path.of(e).toAbsolutePath().toString()).toList());
        // The class path goes in an argument file: on the command line it can pass 4 KiB, past which Linux's
        // /proc/PID/cmdline (one page), hence ProcessHandle.Info, shows none of the daemon's arguments.
        Path args = home.dir().resolve("daemon.args");
        PrivateFiles.write(args, ("-cp\n\"" + cp.replace("\\", "\\\\").replace("\"", "\\\"") + "\"\n")
                .getBytes(StandardCharsets.UTF_8));
        cmd.addAll(List.of("@" + args, "dev.brigade.manager.cli.Main", "daemon",
                "--home", home.dir().toString()));
        cmd.addAll(List.of(daemonArgs));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.dir().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.daemonLog().toFile()))
                .redirectErrorStream(true);
        pb.environment().put("BRIGADE_HOME", home.dir().toString());
        return pb.start();
    }
}
