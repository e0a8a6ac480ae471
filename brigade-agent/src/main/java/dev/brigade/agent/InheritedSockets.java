package dev.brigade.agent;

import dev.brigade.agent.internal.Binder;

/**
 * For servers the agent cannot reach: Netty's native epoll (and io_uring) transports bind in
 * their own JNI code, so they take the inherited socket explicitly. Everything on
 * {@code ServerSocketChannel}, {@code ServerSocket} or {@code AsynchronousServerSocketChannel}
 * (JDK HttpServer, Jetty, Tomcat, Undertow, Netty NIO) needs nothing: the agent adopts the socket
 * at bind.
 *
 * <pre>{@code
 * int fd = InheritedSockets.fdFor(8080);
 * if (fd >= 0) {   // a Brigade worker: register the inherited socket, already bound and listening
 *     bootstrap.channelFactory(() -> new EpollServerSocketChannel(fd)).register().sync();
 * } else {         // standalone
 *     bootstrap.channel(EpollServerSocketChannel.class).bind(8080).sync();
 * }
 * }</pre>
 */
public final class InheritedSockets {
    private InheritedSockets() {
    }

    /**
     * The descriptor of the listening socket the primary declared for {@code port}
     * ({@value ListenContract#ENV_LISTEN_FDS}), or -1 if there is none or it was taken already.
     * The socket becomes the caller's: the agent will not adopt it for a later bind; with the
     * agent running it is also set non-blocking and the primary is told the worker listens.
     *
     * @param port a declared port
     * @return the inherited descriptor, or -1
     */
    public static int fdFor(int port) {
        Binder binder = Binder.installed();
        if (binder != null) {
            return binder.handOut(port);
        }
        try {
            for (ListenContract.Entry e : ListenContract.parse(System.getenv(ListenContract.ENV_LISTEN_FDS))) {
                if (e.port() == port) {
                    return e.fd();
                }
            }
        } catch (IllegalArgumentException e) {
            return -1;
        }
        return -1;
    }
}
