package dev.brigade.bench.manager;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A raw client of the daemon's control protocol (version 1): 4-byte big-endian length, UTF-8
 * JSON, one {@code {"v":1,"request":...}} envelope per request. Written from the protocol, not
 * linked against the manager, as a third-party client would be.
 */
final class ControlSocket implements AutoCloseable {
    private final SocketChannel ch;

    ControlSocket(Path socket) throws IOException {
        ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
    }

    /** Sends {@code request} (a JSON object with a "type") and returns the response's JSON text. */
    String request(String request) throws IOException {
        byte[] body = ("{\"v\":1,\"request\":" + request + "}").getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).flip();
        while (out.hasRemaining()) {
            ch.write(out);
        }
        ByteBuffer len = fill(ByteBuffer.allocate(4));
        return new String(fill(ByteBuffer.allocate(len.flip().getInt())).array(), StandardCharsets.UTF_8);
    }

    /** The daemon's pid, from its answer to ping ({@code "daemon PID rss N"}). */
    long daemonPid() throws IOException {
        String r = request("{\"type\":\"ping\"}");
        int at = r.indexOf("daemon ") + 7;
        return Long.parseLong(r.substring(at, r.indexOf(' ', at)));
    }

    private ByteBuffer fill(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new EOFException("the daemon closed the connection");
            }
        }
        return b;
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
