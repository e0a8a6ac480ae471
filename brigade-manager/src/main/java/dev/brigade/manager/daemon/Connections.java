package dev.brigade.manager.daemon;

import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.attribute.UserPrincipal;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/*
 * The control socket's connections, each on a virtual thread, with four limits so that no client
 * (the user's own scripts gone wrong: nobody else gets this far) can take the daemon down or lock
 * the others out:
 *
 * - the peer: SO_PEERCRED names the uid of the process at the other end; anyone but this user is
 *   answered PEER and dropped, before a byte of theirs is read (the socket is 0600 in a 0700 home,
 *   so this is the second line, should a mode ever be loosened);
 * - the count: at most MAX_CONNECTIONS at once; one more is answered BUSY and closed, so a client
 *   is told why instead of seeing a reset;
 * - time: a connection that sends no complete request within IDLE_TIMEOUT_MS (between requests, or
 *   while a frame trickles in) is closed; a `logs --follow` stream is exempt once it streams;
 * - memory: frame buffers come from a budget (Protocol.BUDGET) shared by every connection.
 */

/** Accepts and serves the daemon's control connections. */
final class Connections {
    static final int MAX_CONNECTIONS = Integer.getInteger("brigade.daemon.maxConnections", 128);
    static final long IDLE_TIMEOUT_MS = Long.getLong("brigade.daemon.idleTimeoutMs", 10_000);

    /** Serves one request on its connection. */
    interface Handler {
        /** Returns false to end the connection. */
        boolean handle(SocketChannel ch, Protocol.Envelope env) throws IOException;
    }

    private final ServerSocketChannel server;
    private final ScheduledExecutorService timer;
    private final Handler handler;
    private final Semaphore slots = new Semaphore(MAX_CONNECTIONS);
    private final UserPrincipal me;

    Connections(ServerSocketChannel server, ScheduledExecutorService timer, Handler handler) throws IOException {
        this.server = server;
        this.timer = timer;
        this.handler = handler;
        this.me = PrivateFiles.me();
    }

    /** The accept loop; returns once the server socket is closed. */
    void acceptLoop() {
        while (server.isOpen()) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                if (server.isOpen()) {
                    System.err.println(Daemon.stamp() + " brigade daemon: accept failed: " + e.getMessage());
                }
                continue; // closed: the loop ends
            } catch (Throwable t) {
                System.err.println(Daemon.stamp() + " brigade daemon: accept failed: " + t);
                continue;
            }
            String stranger = stranger(ch);
            if (stranger != null) {
                System.err.println(Daemon.stamp() + " brigade daemon: refused a control connection from " + stranger);
                answerAndClose(ch, new Response.Failure("PEER", "this daemon serves only its own user"));
                continue;
            }
            if (!slots.tryAcquire()) {
                answerAndClose(ch, new Response.Failure("BUSY", "the daemon is busy: " + MAX_CONNECTIONS
                        + " connections are open (the limit, -Dbrigade.daemon.maxConnections); retry in a moment"));
                continue;
            }
            try {
                Thread.ofVirtual().name("brigade-conn").start(() -> serve(ch));
            } catch (Throwable t) {
                slots.release();
                closeQuietly(ch);
                System.err.println(Daemon.stamp() + " brigade daemon: cannot serve a connection: " + t);
            }
        }
    }

    /** Null if the peer is this user; otherwise who it is. */
    private String stranger(SocketChannel ch) {
        try {
            UnixDomainPrincipal p = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
            return p.user().equals(me) ? null : "user " + p.user().getName();
        } catch (IOException | RuntimeException e) {
            return "a peer whose credentials cannot be read (" + e.getMessage() + ")";
        }
    }

    private void serve(SocketChannel ch) {
        try { // not try-with-resources: the connection must still be open for the FAILED answer below
            while (true) {
                Protocol.Envelope env;
                ScheduledFuture<?> idle = timer.schedule(() -> closeQuietly(ch), IDLE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                try {
                    env = Protocol.readEnvelope(ch);
                } catch (EOFException e) {
                    return;
                } catch (Protocol.ProtocolError e) {
                    Protocol.writeResponse(ch, new Response.Failure("PROTOCOL", e.getMessage()));
                    return;
                } catch (Protocol.Busy e) {
                    Protocol.writeResponse(ch, new Response.Failure("BUSY", e.getMessage()));
                    return;
                } finally {
                    idle.cancel(false);
                }
                if (env.v() != Protocol.VERSION) {
                    Protocol.writeResponse(ch, new Response.Failure("VERSION", "this daemon speaks protocol version "
                            + Protocol.VERSION + ", the client " + env.v() + ": run 'brigade kill' and retry"));
                    return;
                }
                if (!handler.handle(ch, env)) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away, or idled out; nothing of the daemon's is affected
        } catch (Throwable t) {
            System.err.println(Daemon.stamp() + " brigade daemon: a connection failed: " + t);
            if (ch.isOpen()) {
                answerQuietly(ch, new Response.Failure("FAILED", "the daemon could not serve this request: " + t));
            }
        } finally {
            closeQuietly(ch);
            slots.release();
        }
    }

    private static void answerAndClose(SocketChannel ch, Response r) {
        try (ch) {
            ch.configureBlocking(false); // never wait on a client that does not read
            Protocol.writeResponse(ch, r);
        } catch (IOException | RuntimeException e) {
            // it left
        }
    }

    private static void answerQuietly(SocketChannel ch, Response r) {
        try {
            Protocol.writeResponse(ch, r);
        } catch (IOException | RuntimeException e) {
            // it left
        }
    }

    static void closeQuietly(java.io.Closeable c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
