package dev.brigade.manager.daemon;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;

/*
 * The daemon: one per user (per BRIGADE_HOME), started on demand by the first command that needs
 * it, and the only process that owns apps. Every `brigade` command is a short-lived client.
 *
 * Why a daemon at all: apps must outlive the command that started them, and someone has to reap
 * them, restart them, rotate their logs and answer `ls`. PM2's design, and PM2's two classic
 * complaints, shape this one:
 *
 * - "PM2's daemon grows to gigabytes." Here nothing the daemon keeps grows with time or traffic:
 *   per instance a 20-line tail and a few counters; per connection one virtual thread and one
 *   frame (at most Protocol.MAX_FRAME, checked before allocating; large frames share a budget); at
 *   most Connections.MAX_CONNECTIONS at once (one more is answered BUSY), each closed after
 *   Connections.IDLE_TIMEOUT_MS of silence. Log lines go straight to their file, never to a queue,
 *   and log tails are streamed from the file. The JVM
 *   is started small (serial GC, small heap), so its footprint is flat, which the bench measures
 *   (manager.daemon_rss_growth_mb after 10,000 requests and 1,000 restarts).
 * - "`pm2 stop` left a grandchild holding the port." Instances lead their own process group, and
 *   the group is killed (Instance).
 *
 * Exactly one daemon: it holds an exclusive lock on daemon.lock for its whole life, taken before
 * it touches the socket. So a socket file found at start-up is stale (its daemon died: the kernel
 * dropped the lock with it) and is replaced; a second daemon started by a racing client finds the
 * lock taken and exits quietly. Clients also serialise their start attempts (DaemonClient), so the
 * race normally starts one JVM, not two.
 *
 * Robustness: each connection is served on its own virtual thread (Connections); anything a client
 * sends that is not a frame of the protocol gets a PROTOCOL failure and the connection is closed;
 * nothing a client sends can reach the accept loop; a peer of another uid is refused. A request of
 * another protocol version is refused, not guessed at. Background work (restarts, kill timeouts,
 * sampling) runs on one timer thread whose every task is wrapped: a Throwable (an OutOfMemoryError
 * included) is logged and a periodic task runs again next time, never silently cancelled.
 *
 * Endings: `brigade kill`, SIGTERM and SIGINT stop every app gracefully (each app's kill timeout),
 * remove the socket, pipe and pid file, and exit 0, with a log line naming the cause. SIGHUP is
 * ignored, with a log line: the daemon has no terminal (setsid), so a hang-up is never its cue,
 * and its apps stay supervised (nohup's convention). A SIGKILL cannot be handled: the OrphanGuard
 * kills the apps then, and leaves a report the next command prints.
 */

/** The daemon process: the control socket, its {@link Connections}, and the {@link Apps} it runs. */
public final class Daemon {
    private final Home home;
    private final Apps apps;
    private final ScheduledExecutorService timer;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private ServerSocketChannel server;
    private CliRunner cli; // null: the bash client's commands go to a JVM of their own
    /** {@code brigade dashboard}: off until asked for. */
    private final dev.brigade.manager.dashboard.DashboardControl dashboard;

    private Daemon(Home home, App.LogSettings logs) {
        this.home = home;
        this.timer = new GuardedTimer("brigade-timer");
        this.apps = new Apps(home, timer, logs);
        this.dashboard = new dev.brigade.manager.dashboard.DashboardControl(home.dir(), () -> AppView.of(apps), apps::handle);
    }

    /**
     * Runs the daemon in this process until {@code brigade kill}. Returns 0 if it ran and stopped, 3 if
     * another daemon already serves this home.
     */
    public static int run(Home home, long logMaxBytes, int logRetain) throws IOException {
        return run(home, logMaxBytes, logRetain, null);
    }

    /** The same, running commands for the launcher's bash client with {@code cli} (null: never). */
    public static int run(Home home, long logMaxBytes, int logRetain, CliRunner cli) throws IOException {
        try {
            return runUninterrupted(home, logMaxBytes, logRetain, cli);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static int runUninterrupted(Home home, long logMaxBytes, int logRetain, CliRunner cli) throws IOException, InterruptedException {
        home.prepare();
        FileChannel lockFile = PrivateFiles.open(home.daemonLock(), StandardOpenOption.WRITE);
        FileLock lock = lockFile.tryLock();
        if (lock == null) {
            System.err.println("brigade daemon: another daemon already serves " + home.dir());
            return 3;
        }
        Thread.setDefaultUncaughtExceptionHandler((t, e) ->
                System.err.println(stamp() + " brigade daemon: thread " + t.getName() + " died: " + e));
        Stale.sweep(home);
        dev.brigade.cluster.internal.IpcServer.sweepStale(); // a killed daemon's cluster IPC directories
        Daemon d = new Daemon(home, new App.LogSettings(home.logs(), logMaxBytes, logRetain));
        d.cli = cli;
        try {
            d.apps.guard = OrphanGuard.start(home, Stale.leadsSession());
        } catch (IOException | RuntimeException | LinkageError e) {
            System.err.println(stamp() + " brigade daemon: no orphan guard (" + e.getMessage() + "): apps would outlive a killed daemon");
        }
        d.handleSignals();
        d.serve();
        if (d.stopping.get()) {
            // shutdown() closed the socket and ends the process once its last line is out: returning now would exit first
            new java.util.concurrent.CountDownLatch(1).await(); // never counted down: System.exit comes
        }
        return 0;
    }

    /** {@code brigade run}: a daemon inside the foreground process ({@link Foreground}, which holds the lock). */
    static Daemon embedded(Home home, App.LogSettings logs) {
        return new Daemon(home, logs);
    }

    Apps apps() {
        return apps;
    }

    /** UTC time to the millisecond, for the daemon's log lines. */
    static String stamp() {
        return java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString();
    }

    /** {@link #serve} on a thread of its own; a socket that cannot be served is reported, not fatal. */
    void serveInBackground() {
        Thread.ofPlatform().daemon().name("brigade-control").start(() -> {
            try {
                serve();
            } catch (IOException e) {
                System.err.println("brigade: the control socket " + home.socket() + " cannot be served: " + e.getMessage());
            }
        });
    }

    private void serve() throws IOException {
        Files.deleteIfExists(home.socket()); // stale: we hold the lock, so no daemon is behind it
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(home.socket()));
        Files.setPosixFilePermissions(home.socket(), PrivateFiles.FILE);
        timer.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
        new ListFifo(home, () -> apps.snapshot().stream().map(App::info).toList(), cli).start();
        dev.brigade.manager.metrics.Endpoint.fromEnvironment(() -> AppView.of(apps), stamp() + " brigade daemon"); // BRIGADE_METRICS_PORT
        System.err.println(stamp() + " brigade daemon " + ProcessHandle.current().pid() + " serving " + home.socket()
                + (apps.guard.pid() > 0 ? " (orphan guard pid " + apps.guard.pid() + ")" : ""));
        new Connections(server, timer, this::handle).acceptLoop();
    }

    /** Every second: the apps' CPU and memory, and their names for the guard's report of a death. */
    private void tick() {
        apps.sample();
        apps.guard.apps(apps.snapshot().stream().map(a -> a.spec().name()).toList());
    }

    /** One request of a connection; false ends the connection. */
    private boolean handle(SocketChannel ch, Protocol.Envelope env) throws IOException {
        if (env.request() instanceof Request.Dashboard d) {
            Protocol.writeResponse(ch, dashboard.handle(d)); // dev.brigade.manager.dashboard: its own HTTP server
            return true;
        }
        if (env.request() instanceof Request.Logs logs) {
            new LogFollower(apps, ch).follow(logs);
            return !logs.follow(); // a follower hung up
        }
        Response r = apps.handle(env.request());
        apps.guard.apps(apps.snapshot().stream().map(a -> a.spec().name()).toList()); // before the answer: a kill -9 next is reported right
        Protocol.writeResponse(ch, r);
        if (env.request() instanceof Request.Kill && r instanceof Response.Ok) {
            stopping.set(true);
            shutdown("brigade kill"); // every app is stopped; the answer is out
        }
        return true;
    }

    /** SIGTERM and SIGINT: a graceful stop; SIGHUP: ignored (see the essay above). */
    private void handleSignals() {
        for (String name : java.util.List.of("TERM", "INT", "HUP")) {
            try {
                Signal.handle(new Signal(name), s -> onSignal("SIG" + s.getName()));
            } catch (IllegalArgumentException e) {
                System.err.println(stamp() + " brigade daemon: cannot handle SIG" + name + ": " + e.getMessage());
            }
        }
    }

    private void onSignal(String name) {
        if (name.equals("SIGHUP")) {
            System.err.println(stamp() + " brigade daemon: SIGHUP ignored (the daemon has no terminal; stop it with"
                    + " 'brigade kill' or SIGTERM)");
            return;
        }
        if (!stopping.compareAndSet(false, true)) {
            System.err.println(stamp() + " brigade daemon: " + name + " received while stopping; still stopping the apps");
            return;
        }
        int n = apps.snapshot().size();
        System.err.println(stamp() + " brigade daemon: " + name + " received: stopping " + n + " app(s), then the daemon");
        Thread.ofPlatform().name("brigade-stop").start(() -> {
            try {
                apps.handle(new Request.Kill());
            } catch (Throwable t) {
                System.err.println(stamp() + " brigade daemon: stopping the apps failed: " + t);
            }
            shutdown(name);
        });
    }

    /** Removes the daemon's files and exits 0: called once every app is stopped. */
    private void shutdown(String cause) {
        Connections.closeQuietly(server);
        ListFifo.remove(home);
        try {
            Files.deleteIfExists(home.socket());
        } catch (IOException ignored) {
            // the next daemon replaces it
        }
        apps.guard.close();
        System.err.println(stamp() + " brigade daemon " + ProcessHandle.current().pid() + " stopped (" + cause + ")");
        System.exit(0);
    }
}
