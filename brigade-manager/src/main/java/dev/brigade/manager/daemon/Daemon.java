package dev.brigade.manager.daemon;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

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
 *   frame (at most Protocol.MAX_FRAME, checked before allocating); at most MAX_CONNECTIONS at once
 *   (one more is closed at once). Log lines go straight to their file, never to a queue. The JVM
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
 * Robustness: each connection is served on its own virtual thread; anything a client sends that
 * is not a frame of the protocol gets a PROTOCOL failure and the connection is closed; nothing a
 * client sends can reach the accept loop. A request of another protocol version is refused, not
 * guessed at. Background work (restarts, kill timeouts, sampling) runs on one timer thread whose
 * tasks never throw (Instance and LogFile catch what they must).
 */

/** The daemon process: the control socket, its accept loop, and the {@link Apps} it runs. */
public final class Daemon {
    static final int MAX_CONNECTIONS = 256;

    private final Home home;
    private final Apps apps;
    private final ScheduledExecutorService timer;
    private final Semaphore connections = new Semaphore(MAX_CONNECTIONS);
    private ServerSocketChannel server;
    private CliRunner cli; // null: the bash client's commands go to a JVM of their own

    private Daemon(Home home, App.LogSettings logs) {
        this.home = home;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("brigade-timer").unstarted(r));
        this.apps = new Apps(home, timer, logs);
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
        home.prepare();
        FileChannel lockFile = FileChannel.open(home.daemonLock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = lockFile.tryLock();
        if (lock == null) {
            System.err.println("brigade daemon: another daemon already serves " + home.dir());
            return 3;
        }
        Daemon d = new Daemon(home, new App.LogSettings(home.logs(), logMaxBytes, logRetain));
        d.cli = cli;
        d.serve();
        return 0;
    }

    /** {@code brigade run}: a daemon inside the foreground process ({@link Foreground}, which holds the lock). */
    static Daemon embedded(Home home, App.LogSettings logs) {
        return new Daemon(home, logs);
    }

    Apps apps() {
        return apps;
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
        Files.setPosixFilePermissions(home.socket(), PosixFilePermissions.fromString("rw-------"));
        timer.scheduleAtFixedRate(apps::sample, 1, 1, TimeUnit.SECONDS);
        new ListFifo(home, () -> apps.snapshot().stream().map(App::info).toList(), cli).start();
        System.err.println("brigade daemon " + ProcessHandle.current().pid() + " serving " + home.socket());
        while (server.isOpen()) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                break; // closed by shutdown()
            }
            if (!connections.tryAcquire()) {
                closeQuietly(ch);
                continue;
            }
            Thread.ofVirtual().name("brigade-conn").start(() -> {
                try (ch) {
                    converse(ch);
                } catch (IOException e) {
                    // the client went away; nothing of the daemon's is affected
                } finally {
                    connections.release();
                }
            });
        }
    }

    /** Serves one connection: request, response, until the client hangs up or breaks the protocol. */
    private void converse(SocketChannel ch) throws IOException {
        while (true) {
            Protocol.Envelope env;
            try {
                env = Protocol.readEnvelope(ch);
            } catch (EOFException e) {
                return;
            } catch (Protocol.ProtocolError e) {
                Protocol.writeResponse(ch, new Response.Failure("PROTOCOL", e.getMessage()));
                return;
            }
            if (env.v() != Protocol.VERSION) {
                Protocol.writeResponse(ch, new Response.Failure("VERSION", "this daemon speaks protocol version "
                        + Protocol.VERSION + ", the client " + env.v() + ": run 'brigade kill' and retry"));
                return;
            }
            if (env.request() instanceof Request.Logs logs) {
                new LogFollower(apps, ch).follow(logs);
                if (logs.follow()) {
                    return; // the follower hung up
                }
                continue;
            }
            Response r = apps.handle(env.request());
            Protocol.writeResponse(ch, r);
            if (env.request() instanceof Request.Kill && r instanceof Response.Ok) {
                shutdown(); // every app is stopped; the answer is out
            }
        }
    }

    /** Stops every app, then the daemon: called after the answer to {@code kill} went out. */
    private void shutdown() {
        closeQuietly(server);
        ListFifo.remove(home);
        try {
            Files.deleteIfExists(home.socket());
        } catch (IOException ignored) {
            // the next daemon replaces it
        }
        System.err.println("brigade daemon " + ProcessHandle.current().pid() + " stopped");
        System.exit(0);
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
