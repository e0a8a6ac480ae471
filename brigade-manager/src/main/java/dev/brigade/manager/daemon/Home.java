package dev.brigade.manager.daemon;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * BRIGADE_HOME: the directory shared by the daemon and every {@code brigade} command of a user
 * (default {@code ~/.brigade}). It holds the control socket ({@code daemon.sock}, 0600), the
 * daemon's lock and log, the saved process list ({@code dump.json}) and the apps' logs
 * ({@code logs/}). The directory itself is 0700: the socket is the only door to the daemon, and
 * only its owner may reach it.
 */
public record Home(Path dir) {
    /** {@code $BRIGADE_HOME}, else {@code ~/.brigade}. */
    public static Home fromEnvironment() {
        String env = System.getenv("BRIGADE_HOME");
        return new Home(env != null && !env.isBlank() ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".brigade"));
    }

    public Home {
        dir = dir.toAbsolutePath().normalize();
    }

    public Path socket() {
        return dir.resolve("daemon.sock");
    }

    /** Held (exclusively) by the running daemon for its whole life: exactly one daemon per home. */
    public Path daemonLock() {
        return dir.resolve("daemon.lock");
    }

    /** Held by a client while it starts the daemon, so that racing clients start only one. */
    public Path startLock() {
        return dir.resolve("start.lock");
    }

    /** The daemon's own stdout and stderr. */
    public Path daemonLog() {
        return dir.resolve("daemon.log");
    }

    public Path dump() {
        return dir.resolve("dump.json");
    }

    public Path logs() {
        return dir.resolve("logs");
    }

    /**
     * Creates the directory (0700) if needed and checks that it is a writable directory of this
     * user that no one else may write to (its owner is this process's user; no write bit for group
     * or others): whoever can write in it can replace the socket or a request file and steer the
     * daemon.
     *
     * @throws IOException with a message that names the directory, what is wrong with it (owner,
     *                     mode) and the fix
     */
    public void prepare() throws IOException {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir.getParent());
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
        } catch (AccessDeniedException e) {
            throw new IOException("BRIGADE_HOME " + dir + " cannot be created: permission denied on " + e.getFile()
                    + " (set BRIGADE_HOME to a writable directory)");
        } catch (IOException e) {
            throw new IOException("BRIGADE_HOME " + dir + " cannot be created: " + e
                    + " (set BRIGADE_HOME to a writable directory)");
        }
        PrivateFiles.checkDir(dir.toRealPath(), "BRIGADE_HOME"); // a link to a private directory of the user is fine
        if (!Files.isWritable(dir) || !Files.isExecutable(dir)) {
            throw new IOException("BRIGADE_HOME " + dir + " is not writable (permissions "
                    + PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))
                    + "; set BRIGADE_HOME to a writable directory)");
        }
    }
}
