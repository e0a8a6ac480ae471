package dev.brigade.manager.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The small HTTP server of {@code /metrics} (and of the health probes): the JDK's own
 * {@code com.sun.net.httpserver}, bound to 127.0.0.1 unless told otherwise, answering GET (and
 * HEAD) only, on one thread: a scrape or a probe is short, and nothing else is served.
 */
public final class Endpoint implements AutoCloseable {
    /** Prometheus' text exposition format. */
    public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    /** What a route answers. */
    public record Answer(int status, String contentType, String body) {
    }

    static {
        tcpNoDelay();
    }

    /**
     * TCP_NODELAY on the connections of every {@code com.sun.net.httpserver} server of this process; call it
     * before the first one is made (the JDK reads the setting once, then). Without it an answer took 40-50 ms
     * whatever the load: the JDK's server writes the headers, then the body, Nagle's algorithm holds the body
     * back until the headers are acknowledged, and the client delays that acknowledgement (delayed ACK, 40 ms
     * on Linux). A value set on the command line is kept.
     */
    public static void tcpNoDelay() {
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer server;

    private Endpoint(HttpServer server) {
        this.server = server;
    }

    /**
     * Binds {@code host:port} (port 0: any free port) and serves {@code /metrics} from {@code metrics}.
     *
     * @param host    the address to bind, e.g. 127.0.0.1
     * @param port    0..65535
     * @param metrics what {@code /metrics} shows
     * @return the running server
     * @throws IOException if the address cannot be bound
     */
    public static Endpoint start(String host, int port, DaemonMetrics metrics) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(host, port), 16);
        // the answers are ready (a rendering, a health verdict): run them on the server's own thread, one hand-off fewer
        s.setExecutor(Runnable::run);
        Endpoint e = new Endpoint(s);
        e.route("/metrics", () -> new Answer(200, PROMETHEUS_TEXT, metrics.scrape()));
        s.start();
        return e;
    }

    /**
     * The daemon's {@code /metrics}, if {@code BRIGADE_METRICS_PORT} is set (in the environment of the
     * command that starts the daemon), on {@code BRIGADE_METRICS_HOST} (default 127.0.0.1). A bad
     * value or an address in use is reported on stderr (the daemon's log) and serves nothing: the
     * apps run without metrics rather than not at all.
     *
     * @param apps the daemon's apps
     * @param who  the log lines' prefix
     * @return the running server, or null
     */
    public static Endpoint fromEnvironment(Supplier<java.util.List<dev.brigade.manager.daemon.AppView>> apps, String who) {
        String port = System.getenv("BRIGADE_METRICS_PORT");
        if (port == null || port.isBlank()) {
            return null;
        }
        String host = System.getenv().getOrDefault("BRIGADE_METRICS_HOST", "127.0.0.1");
        int p;
        try {
            p = Integer.parseInt(port.trim());
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            System.err.println(who + ": BRIGADE_METRICS_PORT=" + port + " is not a port (0..65535): no /metrics");
            return null;
        }
        try {
            Endpoint e = start(host, p, new DaemonMetrics(apps));
            System.err.println(who + ": metrics on " + e.url() + "/metrics");
            return e;
        } catch (IOException | RuntimeException e) {
            System.err.println(who + ": cannot serve /metrics on " + host + ":" + p + " (BRIGADE_METRICS_HOST, BRIGADE_METRICS_PORT): "
                    + e.getMessage());
            return null;
        }
    }

    /**
     * Serves {@code path} (exactly) with {@code answer}, called for each GET.
     *
     * @param path   e.g. {@code /healthz}
     * @param answer computes the answer
     */
    public void route(String path, Supplier<Answer> answer) {
        server.createContext(path, ex -> {
            try (ex) {
                if (!ex.getRequestURI().getPath().equals(path)) {
                    send(ex, new Answer(404, "text/plain; charset=utf-8", "not found: " + ex.getRequestURI().getPath() + "\n"));
                } else if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
                    ex.getResponseHeaders().set("Allow", "GET, HEAD");
                    send(ex, new Answer(405, "text/plain; charset=utf-8", "only GET and HEAD\n"));
                } else {
                    Answer a;
                    try {
                        a = answer.get();
                    } catch (RuntimeException e) {
                        a = new Answer(500, "text/plain; charset=utf-8", "failed: " + e + "\n");
                    }
                    send(ex, a);
                }
            }
        });
    }

    /** The bound port (the one the kernel chose, for port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The bound address as a URL prefix, e.g. {@code http://127.0.0.1:9100}. */
    public String url() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static void send(HttpExchange ex, Answer a) throws IOException {
        byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", a.contentType());
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(a.status(), head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
