package dev.brigade.agent.apps;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A keep-alive HTTP/1.1 server answering each path with a different kind of response, written the way
 * servers write them: {@code mode} {@code socket} writes through a {@link Socket}'s output stream (NioSocketImpl),
 * {@code channel} through a blocking {@link SocketChannel}, the head and the body as one gathering write.
 * Paths: {@code /} (Content-Length, no Connection header), {@code /keepalive} ({@code Connection: keep-alive}),
 * {@code /close} ({@code Connection: close}, then closes), {@code /http10} (an HTTP/1.0 status line with
 * {@code Connection: keep-alive}), {@code /large} (a 1 MiB body), {@code /chunked} (chunks in separate writes,
 * one of them starting like a response). Args: host port mode.
 */
public final class ResponsesApp {
    public static final int LARGE = 1 << 20;

    public static void main(String[] args) throws Exception {
        boolean channel = args[2].equals("channel");
        InetSocketAddress at = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        if (channel) {
            ServerSocketChannel server = ServerSocketChannel.open().bind(at);
            Apps.ready(((InetSocketAddress) server.getLocalAddress()).getPort());
            while (true) {
                SocketChannel c = server.accept();
                new Thread(() -> serve(Channels.newInputStream(c), bufs -> {
                    ByteBuffer[] all = bufs.toArray(ByteBuffer[]::new);
                    long left = 0;
                    for (ByteBuffer b : all) {
                        left += b.remaining();
                    }
                    while (left > 0) {
                        left -= c.write(all);
                    }
                }, c::close)).start();
            }
        }
        ServerSocket server = new ServerSocket();
        server.bind(at);
        Apps.ready(server.getLocalPort());
        while (true) {
            Socket s = server.accept();
            new Thread(() -> {
                try {
                    serve(s.getInputStream(), bufs -> {
                        ByteArrayOutputStream joined = new ByteArrayOutputStream();
                        for (ByteBuffer b : bufs) {
                            joined.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
                        }
                        s.getOutputStream().write(joined.toByteArray());
                    }, s::close);
                } catch (IOException e) {
                    // the client went away
                }
            }).start();
        }
    }

    interface Out {
        void write(List<ByteBuffer> buffers) throws IOException;
    }

    interface Closing {
        void close() throws IOException;
    }

    /** The 1 MiB body of {@code /large}: bytes that repeat with a period that is no power of two. */
    public static byte[] large() {
        byte[] b = new byte[LARGE];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) ('a' + i % 23);
        }
        return b;
    }

    /** The chunks of {@code /chunked}, the second looking like the start of a response. */
    public static List<String> chunks() {
        return List.of("first chunk\n", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nnot a response\n", "last\n");
    }

    private static void serve(InputStream in, Out out, Closing closing) {
        try {
            String path;
            while ((path = requestPath(in)) != null) {
                byte[] body = Apps.body();
                String head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n";
                switch (path) {
                    case "/keepalive" -> head += "Connection: keep-alive\r\n";
                    case "/close" -> head += "Connection: close\r\n";
                    case "/http10" -> head = "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n";
                    case "/large" -> body = large();
                    case "/chunked" -> {
                        out.write(List.of(ascii(head + "Transfer-Encoding: chunked\r\n\r\n")));
                        for (String c : chunks()) {
                            out.write(List.of(ascii(Integer.toHexString(c.length()) + "\r\n" + c + "\r\n")));
                        }
                        out.write(List.of(ascii("0\r\n\r\n")));
                        continue;
                    }
                    default -> { }
                }
                out.write(List.of(ascii(head + "Content-Length: " + body.length + "\r\n\r\n"), ByteBuffer.wrap(body)));
                if (path.equals("/close")) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away
        } finally {
            try {
                closing.close();
            } catch (IOException e) {
                // closed already
            }
        }
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    /** The path of the next request's head, or null at the end of the stream. */
    private static String requestPath(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) >= 0; ) {
            if (c == '\n') {
                String l = line.toString().strip();
                line.setLength(0);
                if (l.isEmpty()) {
                    return lines.isEmpty() ? null : lines.get(0).split(" ")[1];
                }
                lines.add(l);
            } else {
                line.append((char) c);
            }
        }
        return null;
    }
}
