package dev.brigade.store;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.brigade.cluster.Cluster;
import dev.brigade.store.examples.RateLimiter;
import dev.brigade.store.examples.SessionStore;
import dev.brigade.store.internal.EmbeddedClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.junit.platform.engine.discovery.DiscoverySelectors;

/**
 * The worker program of the store's cluster tests. Opens {@code SharedStore.embedded}, serves
 * the two examples over HTTP on a port of its own (GET /limit?client=X: 200 or 429; POST
 * /session: a new session with visits=0; POST /session/visit: visits+1 with the session's
 * cookie; GET /session: the visits), and answers requests: "port", "contract", "cas-loop:KEY:N",
 * "subscribe:CH", "received:CH", "hung-call". Long work runs on its own threads: the IPC reader
 * never blocks.
 */
public final class StoreTestWorker {
    /** The rate limiter's window is read from this fixed clock: every attempt of a test falls in one window. */
    static final Clock FIXED = Clock.fixed(Instant.parse("2026-01-01T00:00:30Z"), ZoneOffset.UTC);
    static final long LIMIT = 50;

    public record Visits(int visits) {
    }

    private static final Map<String, AtomicInteger> RECEIVED = new ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        Cluster cluster = Cluster.create();
        SharedStore store = SharedStore.embedded(cluster, StoreOptions.defaults().withTimeout(Duration.ofSeconds(5)));
        HttpServer http = serve(store);
        cluster.self().onRequest(req -> answer(cluster, store, http, (String) req));
        cluster.self().onMessage(msg -> blockingInHandler(cluster, store, (String) msg));
    }

    /**
     * "blocking:KEY": inside the message handler, a blocking embedded-store write and a blocking request to
     * the primary, both answered over this worker's IPC channel; reports "done ..." or "failed ..." by message.
     */
    private static void blockingInHandler(Cluster cluster, SharedStore store, String msg) {
        if (msg.equals("ready")) {
            cluster.self().send("ready");
            return;
        }
        if (!msg.startsWith("blocking:")) {
            return;
        }
        try {
            store.blocking().put(msg.substring(9), "written in onMessage");
            Object reply = cluster.self().request("from onMessage", Duration.ofSeconds(20)).join();
            cluster.self().send("done: " + reply);
        } catch (RuntimeException e) {
            cluster.self().send("failed: " + e);
        }
    }

    private static Object answer(Cluster cluster, SharedStore store, HttpServer http, String req) {
        String[] p = req.split(":", 2); // command, argument (keys and channels may hold ':')
        return switch (p[0]) {
            case "port" -> http.getAddress().getPort();
            case "contract" -> onThread(StoreTestWorker::runContract);
            case "cas-loop" -> onThread(() -> casLoop(store, p[1].substring(0, p[1].lastIndexOf(':')),
                    Integer.parseInt(p[1].substring(p[1].lastIndexOf(':') + 1)), cluster.self().id()));
            case "subscribe" -> store.subscribe(p[1], String.class, m -> RECEIVED.computeIfAbsent(p[1], c -> new AtomicInteger())
                    .incrementAndGet()).thenApply(s -> "subscribed");
            case "received" -> RECEIVED.getOrDefault(p[1], new AtomicInteger()).get();
            case "hung-call" -> hungCall(cluster);
            default -> throw new IllegalArgumentException("unknown request " + req);
        };
    }

    /** Increments this worker's entry and the total of a map, by compare-and-set, {@code n} times; answers the successes. */
    static int casLoop(SharedStore store, String key, int n, int me) {
        BlockingStore sync = store.blocking();
        int done = 0;
        while (done < n) {
            Map<String, Long> cur = readMap(sync, key);
            Map<String, Long> next = new TreeMap<>(cur == null ? Map.of() : cur);
            next.merge("w" + me, 1L, Long::sum);
            next.merge("total", 1L, Long::sum);
            if (sync.compareAndSet(key, cur == null ? null : new TreeMap<>(cur), next)) {
                done++;
            }
        }
        return done;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Long> readMap(BlockingStore sync, String key) {
        Map<String, Object> raw = sync.get(key, Map.class).orElse(null);
        if (raw == null) {
            return null;
        }
        Map<String, Long> m = new TreeMap<>();
        raw.forEach((k, v) -> m.put(k, ((Number) v).longValue()));
        return m;
    }

    /** A call to a service that never answers, as from a hung primary: "CODE in N ms". */
    private static CompletableFuture<Object> hungCall(Cluster cluster) {
        StoreOptions o = StoreOptions.defaults().withTimeout(Duration.ofMillis(300));
        SharedStore hung = SharedStore.over(new EmbeddedClient(EmbeddedClient.service(cluster, "brigade.store.hung"),
                "embedded (hung)", o.timeout(), Duration.ofSeconds(1)), o);
        long t0 = System.nanoTime();
        return hung.get("k", String.class).handle((v, e) -> {
            long ms = (System.nanoTime() - t0) / 1_000_000;
            hung.close();
            Throwable c = e;
            while (c instanceof java.util.concurrent.CompletionException && c.getCause() != null) {
                c = c.getCause();
            }
            return (c == null ? "ANSWERED" : c instanceof StoreException se ? se.code().name() : c.toString()) + " in " + ms + " ms";
        });
    }

    private static String runContract() {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectClass(WorkerSideContract.class)).build();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(request, listener);
        TestExecutionSummary s = listener.getSummary();
        StringWriter failures = new StringWriter();
        s.printFailuresTo(new PrintWriter(failures), 15);
        return "found=" + s.getTestsFoundCount() + " succeeded=" + s.getTestsSucceededCount() + " failed="
                + s.getTotalFailureCount() + "\n" + failures;
    }

    private static HttpServer serve(SharedStore store) throws IOException {
        RateLimiter limiter = new RateLimiter(store, "test", LIMIT, Duration.ofMinutes(1), FIXED);
        SessionStore sessions = new SessionStore(store, Duration.ofMinutes(5));
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        http.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "http");
            t.setDaemon(true);
            return t;
        }));
        http.createContext("/limit", ex -> {
            String client = ex.getRequestURI().getQuery().substring("client=".length());
            limiter.tryAcquire(client).whenComplete((d, e) -> reply(ex, e != null ? 500 : d.allowed() ? 200 : 429,
                    e != null ? e.toString() : Long.toString(d.count())));
        });
        http.createContext("/session", ex -> {
            String path = ex.getRequestURI().getPath();
            String id = SessionStore.idFromCookies(ex.getRequestHeaders().getFirst("Cookie")).orElse("");
            CompletableFuture<?> done;
            if (path.equals("/session") && ex.getRequestMethod().equals("POST")) {
                done = sessions.create(new Visits(0)).thenAccept(newId -> {
                    ex.getResponseHeaders().add("Set-Cookie", sessions.setCookie(newId));
                    reply(ex, 201, "created");
                });
            } else if (path.equals("/session/visit")) {
                done = sessions.update(id, Visits.class, v -> new Visits(v.visits() + 1))
                        .thenAccept(found -> reply(ex, found ? 200 : 404, String.valueOf(found)));
            } else {
                done = sessions.load(id, Visits.class).thenAccept(v -> reply(ex, v.isPresent() ? 200 : 404,
                        v.map(x -> Integer.toString(x.visits())).orElse("none")));
            }
            done.exceptionally(e -> {
                reply(ex, 500, e.toString());
                return null;
            });
        });
        http.start();
        return http;
    }

    private static void reply(HttpExchange ex, int status, String body) {
        try (ex) {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, b.length);
            ex.getResponseBody().write(b);
        } catch (IOException e) {
            // the client left
        }
    }

    private static <T> CompletableFuture<T> onThread(java.util.function.Supplier<T> work) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("store-test-work").start(() -> {
            try {
                f.complete(work.get());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }
}
