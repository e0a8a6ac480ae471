package dev.brigade.agent.apps;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;

/** An AsynchronousServerSocketChannel server. Args: host port. */
public final class AsyncServerApp {
    public static void main(String[] args) throws Exception {
        try (AsynchronousServerSocketChannel server = AsynchronousServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(args[0], Integer.parseInt(args[1])));
            Apps.ready(((InetSocketAddress) server.getLocalAddress()).getPort());
            while (true) {
                try (AsynchronousSocketChannel ch = server.accept().get()) {
                    ByteBuffer in = ByteBuffer.allocate(4096);
                    while (ch.read(in).get() > 0 && !headComplete(in)) {
                        // keep reading the request head
                    }
                    ByteBuffer out = ByteBuffer.wrap(Apps.response());
                    while (out.hasRemaining()) {
                        ch.write(out).get();
                    }
                }
            }
        }
    }

    private static boolean headComplete(ByteBuffer in) {
        String s = new String(in.array(), 0, in.position(), java.nio.charset.StandardCharsets.US_ASCII);
        return s.contains("\r\n\r\n") || !in.hasRemaining();
    }
}
