package dev.brigade.examples.demo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The bundled demo: a small, fast HTTP server (Netty, NIO transport) that knows nothing of
 * Brigade. Brigade runs it unchanged: in cluster mode its bind on the declared port adopts the
 * socket the primary inherited to it.
 *
 * <p>Endpoints: {@code /} hello with the pid, {@code /hash?pw=...} ~5 ms of PBKDF2 (CPU work),
 * {@code /pid}. Port: first argument, else {@code $PORT}, else 8080; {@code --threads N} event
 * loops (default 1: one per process, the cluster supplies the parallelism).
 *
 * <p><b>Accepting</b>: a thread blocked in {@code accept()} ({@link Acceptor}), which shares new
 * connections fairly among processes sharing the socket; {@code --accept loop} uses Netty's
 * acceptor (an epoll loop) instead, for comparison.
 *
 * <p><b>Graceful shutdown</b> (SIGTERM, or Brigade's disconnect): it stops accepting first, then
 * answers every request still arriving on open keep-alive connections with
 * {@code Connection: close} and closes each connection after its response, and exits once no
 * request is in flight and none arrived for a moment (at most {@link #DRAIN_LIMIT}). That is what
 * lets a rolling reload lose no request, even for keep-alive clients: closing idle keep-alive
 * connections instead (Node's {@code server.close()} since v19) races with requests already sent.
 */
public final class DemoServer implements AutoCloseable {
    static final Duration DRAIN_LIMIT = Duration.ofSeconds(10);
    static final Duration QUIET = Duration.ofSeconds(2);

    static final int BACKLOG = 4096;

    private final EventLoopGroup boss; // Netty's acceptor (--accept loop), else null
    private final EventLoopGroup loops;
    private final Channel listener;    // --accept loop
    private final Acceptor acceptor;   // default
    private final Drain drain = new Drain();

    public DemoServer(String host, int port, int threads) throws InterruptedException, java.io.IOException {
        this(host, port, threads, true);
    }

    public DemoServer(String host, int port, int threads, boolean blockingAccept) throws InterruptedException, java.io.IOException {
        loops = new NioEventLoopGroup(threads);
        HashWork hash = HashWork.lazy(5.0);
        ChannelInitializer<SocketChannel> init = new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024), new DemoHandler(drain, hash));
            }
        };
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (blockingAccept) {
            boss = null;
            listener = null;
            acceptor = new Acceptor(address, BACKLOG, loops, init, drain);
        } else {
            boss = new NioEventLoopGroup(1);
            acceptor = null;
            listener = new ServerBootstrap().group(boss, loops).channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, BACKLOG)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .handler(new AcceptCounter(drain))
                    .childHandler(init)
                    .bind(address).sync().channel();
        }
    }

    public int port() throws java.io.IOException {
        return acceptor != null ? acceptor.port() : ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** Stops accepting, drains keep-alive connections with {@code Connection: close}, then stops. */
    @Override
    public void close() throws InterruptedException {
        drain.begin();            // first: once new connections are refused, every response already says close
        if (acceptor != null) {
            acceptor.close();
        } else {
            listener.close().sync();
        }
        drain.awaitQuiet(QUIET, DRAIN_LIMIT);
        loops.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).sync();
        if (boss != null) {
            boss.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
    }

    public static void main(String[] args) throws Exception {
        quietNettyOnNewJdks();
        int port = System.getenv("PORT") != null ? Integer.parseInt(System.getenv("PORT")) : 8080;
        int threads = 1;
        boolean blocking = true;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--threads") && i + 1 < args.length) {
                threads = Integer.parseInt(args[++i]);
            } else if (args[i].equals("--accept") && i + 1 < args.length) {
                String mode = args[++i];
                if (!mode.equals("blocking") && !mode.equals("loop")) {
                    System.err.println("demo-server: --accept must be blocking or loop, got " + mode);
                    System.exit(2);
                }
                blocking = mode.equals("blocking");
            } else {
                port = Integer.parseInt(args[i]);
            }
        }
        DemoServer server = new DemoServer("0.0.0.0", port, threads, blocking);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "demo-server-drain"));
        System.out.println("demo-server " + ProcessHandle.current().pid() + " listening on " + server.port());
    }

    /**
     * On JDK 24+ Netty's first use of {@code sun.misc.Unsafe} prints four "terminally deprecated
     * method" warnings (JEP 498) into every worker's log, which the user did not cause: Netty is
     * kept on its portable paths there, unless the user chose with {@code io.netty.noUnsafe} or
     * {@code io.netty.tryUnsafe}. Called before any Netty class initialises.
     */
    static void quietNettyOnNewJdks() {
        if (Runtime.version().feature() >= 24 && System.getProperty("io.netty.noUnsafe") == null
                && System.getProperty("io.netty.tryUnsafe") == null) {
            System.setProperty("io.netty.noUnsafe", "true");
        }
    }
}
