package dev.brigade.agent.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The test process playing the primary: one listening socket on 127.0.0.1, port 0, AF_INET like
 * the primary's, never accepted on here. Plus a raw HTTP client: a new connection per request.
 */
public final class Shared implements AutoCloseable {
    private static final Pattern PID = Pattern.compile("pid=(\\d+)");
    public final ServerSocketChannel channel;
    public final int port;
    public final int fd;

    public Shared() throws IOException, ReflectiveOperationException {
        channel = ServerSocketChannel.open(StandardProtocolFamily.INET);
        channel.bind(new InetSocketAddress("127.0.0.1", 0), 128);
        port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
        fd = (int) Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal").invoke(channel);
    }

    /** What workers get in BRIGADE_LISTEN_FDS. */
    public String listenFds() {
        return "3=127.0.0.1:" + port;
    }

    /** One GET on a new connection; the pid in the answer. */
    public static int get(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(20_000);
            return send(s);
        }
    }

    /** Sends a GET on a connected socket and reads the whole answer; the pid in it. */
    public static int send(Socket s) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return readPid(s);
    }

    public static int readPid(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        Matcher m = PID.matcher(answer);
        if (!answer.startsWith("HTTP/1.1 200") || !m.find()) {
            throw new IOException("unexpected answer: \"" + answer + "\"");
        }
        return Integer.parseInt(m.group(1));
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
