package dev.brigade.examples.demo;

import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/*
 * Why a thread blocked in accept() instead of Netty's own acceptor (an epoll loop):
 * several processes share the listening socket (Brigade's cluster mode, or any pre-fork server).
 * When a connection arrives, the kernel wakes every epoll loop watching the socket and the first
 * to call accept() wins: whichever process happens to be running, so a few take most of the
 * connections. Threads blocked in accept() are instead queued by the kernel and woken one at a
 * time, in turn: the connections go round the processes. Jetty's and Tomcat's acceptors block
 * the same way. Each accepted connection is handed to an event loop, as Netty's acceptor would.
 */
/** Accepts connections in a thread blocked in {@code accept()}, and registers each with an event loop. */
final class Acceptor {
    private final ServerSocketChannel listener;
    private final Thread thread;

    Acceptor(InetSocketAddress address, int backlog, EventLoopGroup loops, ChannelHandler initializer, Drain drain)
            throws IOException {
        listener = ServerSocketChannel.open();
        listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        listener.bind(address, backlog);
        // Not a daemon thread: event loops start with their first connection, so until then this thread is
        // what keeps a server JVM alive (close() ends it). Release 17: no Thread.ofPlatform.
        thread = new Thread(() -> run(loops, initializer, drain), "demo-acceptor");
        thread.start();
    }

    int port() throws IOException {
        return ((InetSocketAddress) listener.getLocalAddress()).getPort();
    }

    private void run(EventLoopGroup loops, ChannelHandler initializer, Drain drain) {
        while (listener.isOpen()) {
            SocketChannel s;
            try {
                s = listener.accept();
            } catch (ClosedChannelException e) {
                return; // close(): stop accepting
            } catch (IOException e) {
                // e.g. out of file descriptors: the connection stays queued; try again shortly
                System.err.println("demo-server: accept failed: " + e.getMessage());
                try {
                    Thread.sleep(10);
                } catch (InterruptedException ie) {
                    return;
                }
                continue;
            }
            drain.connectionOpened(); // counted before it reaches its loop, so a drain cannot miss it
            NioSocketChannel ch = new NioSocketChannel(s);
            ch.config().setTcpNoDelay(true);
            ch.pipeline().addLast(initializer);
            loops.next().register(ch).addListener(f -> {
                if (!f.isSuccess()) {
                    drain.connectionClosed();
                    ch.unsafe().closeForcibly();
                }
            });
        }
    }

    /** Stops accepting at once: connections not yet accepted go to the other processes sharing the socket. */
    void close() throws InterruptedException {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closed either way
        }
        thread.join();
    }
}
