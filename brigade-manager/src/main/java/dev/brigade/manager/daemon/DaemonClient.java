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
    private final SocketChannel ch;

    private DaemonClient(SocketChannel ch) {
        this.ch = ch;
    }

    /** Connects, starting the daemon if none runs. */
    public static DaemonClient connect(Home home) throws IOException {
        DaemonClient c = tryConnect(home);
        return c != null ? c : DaemonStarter.start(home);
    }

    /** Connects to a running daemon, or returns null if none answers (no socket, or a stale one). */
    public static DaemonClient tryConnect(Home home) {
        try {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(UnixDomainSocketAddress.of(home.socket()));
                return new DaemonClient(ch);
            } catch (IOException e) {
                ch.close();
                return null;
            }
        } catch (IOException e) {
            return null;
        }
    }

    /** Sends one request and returns its answer. */
    public Response send(Request r) throws IOException {
        Protocol.writeRequest(ch, r);
        return Protocol.readResponse(ch);
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
