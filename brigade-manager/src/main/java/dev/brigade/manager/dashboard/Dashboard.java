package dev.brigade.manager.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.brigade.manager.daemon.AppView;
import dev.brigade.manager.daemon.Request;
import dev.brigade.manager.daemon.Response;
import dev.brigade.manager.metrics.DaemonMetrics;
import dev.brigade.manager.metrics.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The web dashboard: the JDK's {@code com.sun.net.httpserver} (as {@code /metrics} uses), one virtual thread per
 * request (an {@code /events} stream holds its thread for as long as the page is open). Routes: {@code GET /} the
 * page, {@code GET /static/*} its script, style and uPlot (from the uPlot WebJar), {@code GET /events} server-sent
 * events, {@code GET /api/apps} the apps once, {@code POST /api/apps/NAME/ACTION} reload, restart, stop or scale,
 * and {@code GET /metrics}. Every route passes {@link Guard} first.
 */
final class Dashboard implements AutoCloseable {
    static final String JSON_TYPE = "application/json; charset=utf-8";
    private static final int MAX_STREAMS = 16;
    private static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";
    /** What /static/ serves: name → resource and type. */
    private static final Map<String, String[]> STATIC = Map.of(
            "app.js", new String[] {"dev/brigade/manager/dashboard/app.js", "text/javascript; charset=utf-8"},
            "app.css", new String[] {"dev/brigade/manager/dashboard/app.css", "text/css; charset=utf-8"},
            "uPlot.iife.min.js", new String[] {UPLOT + "uPlot.iife.min.js", "text/javascript; charset=utf-8"},
            "uPlot.min.css", new String[] {UPLOT + "uPlot.min.css", "text/css; charset=utf-8"});
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private final HttpServer server;
    private final ExecutorService threads;
    private final String host;
    private final int askedPort;
    private final boolean readOnly;
    private final String token;
    private final Guard guard;
    private final Feed feed;
    private final Function<Request, Response> control;
    private final Supplier<List<AppView>> apps;
    private DaemonMetrics metrics; // guarded by this; made at the first scrape

    private Dashboard(HttpServer server, ExecutorService threads, String host, int askedPort, boolean readOnly, String token,
                      Supplier<List<AppView>> apps, Function<Request, Response> control) {
        this.server = server;
        this.threads = threads;
        this.host = host;
        this.askedPort = askedPort;
        this.readOnly = readOnly;
        this.token = token;
        this.apps = apps;
        this.control = control;
        InetSocketAddress a = server.getAddress();
        this.guard = new Guard(token, a.getAddress().isLoopbackAddress(), a.getPort());
        this.feed = new Feed(apps, readOnly);
    }

    /** Binds {@code host:port} and serves the dashboard; BindException if the port is taken. */
    static Dashboard start(String host, int port, boolean readOnly, String token, Supplier<List<AppView>> apps,
                           Function<Request, Response> control) throws IOException {
        Endpoint.tcpNoDelay(); // before the process's first server: 40 ms per answer otherwise (see there)
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), port), 32);
        ExecutorService threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("brigade-dashboard-", 0).factory());
        s.setExecutor(threads);
        Dashboard d = new Dashboard(s, threads, host, port, readOnly, token, apps, control);
        s.createContext("/", d::serve);
        s.start();
        return d;
    }

    boolean sameSettings(String host, int port, boolean readOnly) {
        return this.host.equals(host) && (port == askedPort || port == server.getAddress().getPort()) && this.readOnly == readOnly;
    }

    /** The bound address as a URL prefix, e.g. {@code http://127.0.0.1:9615}. */
    String url() {
        InetSocketAddress a = server.getAddress();
        String h = a.getAddress().getHostAddress();
        if (a.getAddress().isAnyLocalAddress()) { // 0.0.0.0 or :: is no address to open: this machine's name is
            try {
                h = java.net.InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                h = "127.0.0.1";
            }
        }
        return "http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + a.getPort();
    }

    private void serve(HttpExchange ex) throws IOException {
        try (ex) {
            var h = ex.getRequestHeaders();
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            ex.getResponseHeaders().set("Referrer-Policy", "no-referrer"); // the page's URL holds the token
            ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            Guard.Refusal no = guard.host(h);
            if (no == null && !(path.equals("/metrics") && guard.loopback())) {
                no = guard.token(h, ex.getRequestURI());
            }
            boolean post = method.equals("POST");
            if (no == null && post) {
                no = guard.action(h);
            }
            if (no == null && post && readOnly) {
                no = new Guard.Refusal(403, "read-only", "the dashboard is read-only (brigade dashboard --read-only): no action is run");
            }
            if (no != null) {
                json(ex, no.status(), error(no.error(), no.message()));
                return;
            }
            if (post && path.startsWith("/api/apps/")) {
                action(ex, path.substring("/api/apps/".length()));
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD, POST");
                json(ex, 405, error("method", method + " is not served here"));
            } else if (path.equals("/")) {
                page(ex);
            } else if (path.startsWith("/static/") && STATIC.containsKey(path.substring(8))) {
                String[] r = STATIC.get(path.substring(8));
                send(ex, 200, r[1], resource(r[0]));
            } else if (path.equals("/events")) {
                events(ex);
            } else if (path.equals("/api/apps")) {
                json(ex, 200, "{\"readOnly\":" + readOnly + ",\"apps\":" + feed.appsNow() + "}");
            } else if (path.equals("/metrics")) {
                send(ex, 200, Endpoint.PROMETHEUS_TEXT, metrics().scrape().getBytes(StandardCharsets.UTF_8));
            } else {
                json(ex, 404, error("not-found", path + " is not served here"));
            }
        } catch (IOException e) {
            // the client went away
        } catch (RuntimeException e) {
            System.err.println("brigade daemon: dashboard: " + ex.getRequestURI().getPath() + ": " + e);
        }
    }

    private synchronized DaemonMetrics metrics() {
        if (metrics == null) {
            metrics = new DaemonMetrics(apps);
        }
        return metrics;
    }

    private void page(HttpExchange ex) throws IOException {
        String html = new String(resource("dev/brigade/manager/dashboard/index.html"), StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Security-Policy", CSP);
        ex.getResponseHeaders().set("X-Frame-Options", "DENY");
        send(ex, 200, "text/html; charset=utf-8", html.replace("{{TOKEN}}", token).getBytes(StandardCharsets.UTF_8));
    }

    private void events(HttpExchange ex) throws IOException {
        if (feed.listeners() >= MAX_STREAMS) {
            json(ex, 503, error("busy", MAX_STREAMS + " pages are open already: close one"));
            return;
        }
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        feed.listen();
        try {
            long version = feed.refresh().version() - 1; // the first event: the apps as they are now
            long seenLine = 0;
            int perApp = 20; // the first event: the last lines only
            out.write("retry: 2000\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (!threads.isShutdown()) {
                Feed.State s = feed.next(version, 15_000);
                if (s.version() == version) {
                    out.write(": idle\n\n".getBytes(StandardCharsets.UTF_8)); // finds a closed connection
                } else {
                    String data = feed.event(s, seenLine, perApp);
                    out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
                    version = s.version();
                    seenLine = s.lastLine();
                    perApp = Feed.LINES_PER_EVENT;
                }
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            feed.unlisten();
        }
    }

    private void action(HttpExchange ex, String rest) throws IOException {
        int slash = rest.lastIndexOf('/');
        String name = slash <= 0 ? "" : java.net.URLDecoder.decode(rest.substring(0, slash), StandardCharsets.UTF_8);
        String verb = slash < 0 ? rest : rest.substring(slash + 1);
        if (name.isEmpty() || name.equals("all")) {
            json(ex, 400, error("invalid", "name one app: POST /api/apps/NAME/ACTION"));
            return;
        }
        Request r = switch (verb) {
            case "reload" -> new Request.Reload(name);
            case "restart" -> new Request.Restart(name);
            case "stop" -> new Request.Stop(name);
            case "scale" -> scale(ex, name);
            default -> null;
        };
        if (r == null) {
            json(ex, 400, error("invalid", verb.equals("scale") ? "scale needs a body {\"instances\": N}, N in 1..1024"
                    : "unknown action '" + verb + "': reload, restart, stop or scale"));
            return;
        }
        Response resp = control.apply(r);
        switch (resp) {
            case Response.Ok ok -> json(ex, 200, Feed.JSON.createObjectNode().put("ok", true).put("message", ok.message()).toString());
            case Response.Failure f -> json(ex, f.code().equals("UNKNOWN_APP") ? 404 : 409, error(f.code(), f.message()));
            default -> json(ex, 500, error("failed", "unexpected answer " + resp));
        }
    }

    private static Request scale(HttpExchange ex, String name) throws IOException {
        byte[] body = ex.getRequestBody().readNBytes(1024);
        try {
            JsonNode n = Feed.JSON.readTree(body).get("instances");
            return n != null && n.canConvertToInt() && n.isIntegralNumber() ? new Request.Scale(name, n.intValue()) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String error(String code, String message) {
        ObjectNode o = Feed.JSON.createObjectNode().put("error", code).put("message", message);
        return o.toString();
    }

    private static void json(HttpExchange ex, int status, String body) throws IOException {
        send(ex, status, JSON_TYPE, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = name.startsWith("dev/") ? Dashboard.class.getResourceAsStream("/" + name) // our module's own
                : Dashboard.class.getClassLoader().getResourceAsStream(name)) {                       // the WebJar's
            if (in == null) {
                throw new IOException("missing resource " + name + " (is the uPlot WebJar on the class path?)");
            }
            return in.readAllBytes();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        feed.close();
        threads.shutdownNow();
    }
}
