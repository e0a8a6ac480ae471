package dev.brigade.manager.daemon;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.Consumer;

/**
 * The daemon's work inside the foreground process, for {@code brigade run}: the apps are this
 * process's children, every line they print goes to {@code lines}, and the control socket of the
 * home is served as usual (so {@code brigade ls}, {@code logs}, {@code restart} work next to it,
 * e.g. through {@code docker exec}; {@code brigade kill} stops the apps and ends the process with
 * exit code 0). Like the daemon, it holds the home's lock for its whole life: exactly one process
 * owns the apps of a home. An {@link OrphanGuard} kills the apps' process groups if this process is
 * killed without stopping them (SIGKILL).
 */
public final class Foreground {
    private final Home home;
    private final Apps apps;
    @SuppressWarnings("unused") // held, not read: the lock lives as long as the process
    private final FileLock lock;

    private Foreground(Home home, Apps apps, FileLock lock) {
        this.home = home;
        this.apps = apps;
        this.lock = lock;
    }

    /**
     * Takes the home (fails if a daemon already serves it), serves its socket, and hands every line of every app to
     * {@code lines} (called on the apps' output threads: it must not block for long).
     */
    public static Foreground open(Home home, Consumer<Response.LogLine> lines) throws IOException {
        home.prepare();
        FileChannel f = PrivateFiles.open(home.daemonLock(), StandardOpenOption.WRITE);
        FileLock lock = f.tryLock();
        if (lock == null) {
            f.close();
            throw new IOException("a daemon already serves " + home.dir() + " (stop it with 'brigade kill', or give 'run' another --home)");
        }
        Daemon d = Daemon.embedded(home, new App.LogSettings(home.logs(), 10L << 20, 5));
        d.apps().tap = lines;
        try {
            // not the session's leader (a terminal or a container runs it): only the recorded process groups go
            d.apps().guard = OrphanGuard.start(home, false);
        } catch (IOException | RuntimeException | LinkageError e) {
            System.err.println("brigade: no orphan guard (" + e.getMessage() + "): apps would outlive a killed 'brigade run'");
        }
        d.serveInBackground();
        return new Foreground(home, d.apps(), lock);
    }

    /** Starts apps, as {@code brigade start} does. */
    public Response start(List<AppSpec> specs) {
        return apps.handle(new Request.Start(specs));
    }

    /** Starts the apps saved by {@code brigade save} in this home. */
    public Response resurrect() {
        return apps.handle(new Request.Resurrect());
    }

    /** Every app, read-only and live, for the metrics and health endpoints. */
    public List<AppView> views() {
        return AppView.of(apps);
    }

    /** Nanoseconds since supervision last ticked (the timer that samples, restarts and times out apps: every second). */
    public long sinceSupervisionTickNanos() {
        return System.nanoTime() - apps.lastSampleNanos();
    }

    /** Whether {@code brigade kill} (or a stop signal) is stopping every app: the process is about to exit 0. */
    public boolean killing() {
        return apps.killing;
    }

    /** Every app as it is now. */
    public List<AppInfo> apps() {
        return apps.snapshot().stream().map(App::info).toList();
    }

    /** Stops every app (SIGTERM, SIGKILL after its kill timeout), closes the logs and removes the socket. */
    public void stopAll() {
        apps.handle(new Request.Kill());
        apps.guard.close();
        try {
            Files.deleteIfExists(home.socket());
        } catch (IOException ignored) {
            // the next daemon replaces it
        }
    }
}
