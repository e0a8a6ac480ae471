package dev.brigade.manager.daemon;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

/**
 * A connection to the daemon of a BRIGADE_HOME; {@link #connect} starts the daemon first when
 * none answers ({@link DaemonStarter}). One connection carries any number of requests, in turn.
 */
public final class DaemonClient implements AutoCloseable {
    /** How long a client retries a daemon that answers BUSY (all its connections taken) before it reports it. */
    static final long BUSY_RETRY_MS = 25_000;

    private SocketChannel ch;
    private final Home home;
    private boolean used; // a request was answered on this connection

    private DaemonClient(SocketChannel ch, Home home) {
        this.ch = ch;
        this.home = home;
    }

    /** Connects, starting the daemon if none runs. */
    public static DaemonClient connect(Home home) throws IOException {
        return connect(home, null);
    }

    /**
     * Connects, starting the daemon if none runs; {@code notices} (may be null) hears that the previous daemon died,
     * when it did ({@link DaemonStarter#start(Home, java.io.PrintStream, String...)}).
     */
    public static DaemonClient connect(Home home, java.io.PrintStream notices) throws IOException {
        home.prepare(); // a home of another user, or writable by others, is refused before anything is sent
        DaemonClient c = tryConnect(home);
        return c != null ? c : DaemonStarter.start(home, notices);
    }

    /**
     * Connects to a running daemon, or returns null if none answers (no socket, or a stale one). A socket that is not this
     * user's, or whose server runs as another user, is never spoken to: null too.
     */
    public static DaemonClient tryConnect(Home home) {
        try {
            if (!PrivateFiles.ownedByMe(home.socket())) {
                return null;
            }
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(UnixDomainSocketAddress.of(home.socket()));
                if (!ch.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED).user().equals(PrivateFiles.me())) {
                    ch.close();
                    return null;
                }
                return new DaemonClient(ch, home);
            } catch (IOException e) {
                ch.close();
                return null;
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Sends one request and returns its answer. A daemon whose connections are all taken answers BUSY as it accepts: the
     * request is then sent again on a new connection, with a growing pause, for at most {@link #BUSY_RETRY_MS} (idle
     * connections are closed after {@code Connections.IDLE_TIMEOUT_MS}); after that the BUSY failure is the answer.
     */
    public Response send(Request r) throws IOException {
        long deadline = System.nanoTime() + BUSY_RETRY_MS * 1_000_000;
        long pause = 50;
        while (true) {
            IOException writeFailed = null;
            try {
                Protocol.writeRequest(ch, r);
            } catch (IOException e) {
                if (used) {
                    throw e;
                }
                writeFailed = e; // a BUSY daemon closes at once: its answer may still be there to read
            }
            Response resp;
            try {
                resp = Protocol.readResponse(ch);
            } catch (IOException e) {
                if (writeFailed != null) {
                    e.addSuppressed(writeFailed);
                }
                throw e;
            }
            boolean busy = !used && resp instanceof Response.Failure f && f.code().equals("BUSY");
            if (!busy || System.nanoTime() + pause * 1_000_000 > deadline) {
                used = true;
                return resp;
            }
            sleep(pause);
            pause = Math.min(1000, pause * 2);
            DaemonClient again = tryConnect(home);
            if (again == null) {
                throw new IOException("the daemon at " + home.socket() + " went away");
            }
            ch.close();
            ch = again.ch;
        }
    }

    private static void sleep(long ms) throws IOException {
        try {
            Thread.sleep(ms); // a back-off between attempts, not a synchronisation
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while the daemon was busy");
        }
    }

    /**
     * Sends a {@code logs} request and hands every line to {@code lines} until the daemon says it is done
     * (or, when following, until the connection closes); returns the final response.
     */
    public Response logs(Request.Logs r, Consumer<Response.LogLine> lines) throws IOException {
        Protocol.writeRequest(ch, r);
        while (true) {
            Response resp = Protocol.readResponse(ch);
            if (resp instanceof Response.LogLine l) {
                lines.accept(l);
            } else {
                return resp;
            }
        }
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
