package dev.brigade.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.brigade.cluster.Cluster;
import dev.brigade.cluster.ClusterWorker;
import dev.brigade.cluster.Signal;
import dev.brigade.store.internal.EmbeddedHost;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The embedded store with real worker JVMs: three {@link StoreTestWorker}s share one primary
 * (this JVM), and tests that kill a worker fork an extra one. The contract runs inside a worker;
 * the examples are hit over HTTP on every worker; faults are a worker SIGKILLed in the middle
 * of a compareAndSet loop, a subscriber's worker SIGKILLed, and a primary that never answers.
 */
@Timeout(120)
class EmbeddedClusterTest {
    private static final Duration T = Duration.ofSeconds(30);
    private static Cluster cluster;
    private static SharedStore store;
    private static List<ClusterWorker> workers;

    @BeforeAll
    static void start() throws Exception {
        cluster = Cluster.create(StoreClusters.settings(3));
        store = SharedStore.embedded(cluster); // before fork: registers the service
        cluster.service("brigade.store.hung", (w, body) -> new CompletableFuture<>()); // a primary that never answers
        workers = cluster.fork();
        for (ClusterWorker w : workers) {
            w.online().get(60, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stop() {
        if (store != null) {
            store.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theContract_passesInsideAWorkerJvm() throws Exception {
        String report = (String) workers.get(0).request("contract", Duration.ofSeconds(110)).get(115, TimeUnit.SECONDS);
        assertThat(report).as(report).contains(" failed=0");
        assertThat(Integer.parseInt(report.substring("found=".length(), report.indexOf(' ')))).isGreaterThan(20);
    }

    @Test
    void theRateLimiter_holdsExactly_acrossThreeWorkers() throws Exception {
        String client = "c" + UUID.randomUUID();
        int perWorker = 40;
        List<Integer> ports = ports();
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            List<CompletableFuture<?>> all = new ArrayList<>();
            for (int i = 0; i < perWorker; i++) {
                for (int port : ports) { // interleaved: every worker serves the client at the same time
                    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/limit?client=" + client))
                            .timeout(T).build();
                    all.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofString())
                            .thenAccept(r -> statuses.computeIfAbsent(r.statusCode(), s -> new AtomicInteger()).incrementAndGet()));
                }
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        }
        assertThat(statuses.keySet()).as("statuses %s", statuses).containsOnly(200, 429);
        assertThat(statuses.get(200)).hasValue((int) StoreTestWorker.LIMIT);
        assertThat(statuses.get(429)).hasValue(3 * perWorker - (int) StoreTestWorker.LIMIT);
        long window = StoreTestWorker.FIXED.millis() / Duration.ofMinutes(1).toMillis();
        assertThat(store.blocking().get("ratelimit:test:" + client + ":" + window, Long.class)).contains(3L * perWorker);
        assertThat(store.blocking().ttl("ratelimit:test:" + client + ":" + window)).isPresent();
    }

    @Test
    void aSession_isServedByEveryWorker_andConcurrentUpdatesAllLand() throws Exception {
        List<Integer> ports = ports();
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(url(ports.get(0), "/session"))
                    .POST(HttpRequest.BodyPublishers.noBody()).timeout(T).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).isEqualTo(201);
            String cookie = created.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
            int perWorker = 10;
            List<CompletableFuture<HttpResponse<String>>> visits = new ArrayList<CompletableFuture<HttpResponse<String>>>();
            for (int i = 0; i < perWorker; i++) {
                for (int port : ports) {
                    visits.add(http.sendAsync(HttpRequest.newBuilder(url(port, "/session/visit")).header("Cookie", cookie)
                            .POST(HttpRequest.BodyPublishers.noBody()).timeout(T).build(), HttpResponse.BodyHandlers.ofString()));
                }
            }
            for (CompletableFuture<HttpResponse<String>> v : visits) {
                assertThat(v.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }
            for (int port : ports) {
                HttpResponse<String> read = http.send(HttpRequest.newBuilder(url(port, "/session")).header("Cookie", cookie)
                        .timeout(T).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(read.body()).isEqualTo(Integer.toString(3 * perWorker));
            }
            HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(url(ports.get(1), "/session"))
                    .header("Cookie", "BRIGADE_SESSION=forged").timeout(T).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(unknown.statusCode()).isEqualTo(404);
        }
    }

    @Test
    void aWorkerKilledInTheMiddleOfACompareAndSetLoop_leavesAConsistentValue_andTheOthersFinish() throws Exception {
        String key = "cas:" + UUID.randomUUID();
        ClusterWorker doomed = cluster.fork(1).get(0);
        doomed.online().get(60, TimeUnit.SECONDS);
        ClusterWorker a = workers.get(1);
        ClusterWorker b = workers.get(2);
        int n = 200;
        CompletableFuture<Object> fa = a.request("cas-loop:" + key + ":" + n, Duration.ofSeconds(100));
        CompletableFuture<Object> fb = b.request("cas-loop:" + key + ":" + n, Duration.ofSeconds(100));
        CompletableFuture<Object> fd = doomed.request("cas-loop:" + key + ":1000000", Duration.ofSeconds(100));
        await().atMost(Duration.ofSeconds(60)).until(() -> entry(key, doomed) >= 20);
        doomed.signal(Signal.SIGKILL); // mid-loop: between a read and its swap, or with a swap in flight
        doomed.exit().get(30, TimeUnit.SECONDS);
        assertThat(fd).failsWithin(Duration.ofSeconds(10));
        assertThat(fa.get(100, TimeUnit.SECONDS)).isEqualTo(n);
        assertThat(fb.get(100, TimeUnit.SECONDS)).isEqualTo(n);
        Map<String, Long> m = StoreTestWorker.readMap(store.blocking(), key);
        assertThat(m).containsEntry("w" + a.id(), (long) n).containsEntry("w" + b.id(), (long) n);
        long killed = m.get("w" + doomed.id());
        assertThat(killed).isBetween(20L, 999_999L);
        assertThat(m.get("total")).as("no update lost or torn: %s", m).isEqualTo(2L * n + killed);
    }

    @Test
    void aSubscriberWhoseWorkerDies_isDropped_withoutLeakOrErrorStorm() throws Exception {
        EmbeddedHost host = EmbeddedHost.of(cluster, StoreClock.system());
        AtomicInteger warnings = new AtomicInteger();
        Logger log = Logger.getLogger("dev.brigade.store");
        Handler counter = new Handler() {
            @Override public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.incrementAndGet();
                }
            }
            @Override public void flush() { }
            @Override public void close() { }
        };
        log.addHandler(counter);
        try {
            String channel = "news:" + UUID.randomUUID();
            ClusterWorker subscriber = cluster.fork(1).get(0);
            subscriber.online().get(60, TimeUnit.SECONDS);
            int before = host.subscriberCount();
            assertThat(subscriber.request("subscribe:" + channel, T).get(30, TimeUnit.SECONDS)).isEqualTo("subscribed");
            assertThat(host.subscriberCount()).isEqualTo(before + 1);
            assertThat(store.blocking().publish(channel, "hello")).isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> subscriber.request("received:" + channel, T).get().equals(1));

            subscriber.signal(Signal.SIGKILL); // with its long poll outstanding in the primary
            subscriber.exit().get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> host.subscriberCount() == before);
            for (int i = 0; i < 1_000; i++) {
                assertThat(store.blocking().publish(channel, "to nobody " + i)).isZero();
            }
            assertThat(host.queuedMessages()).isZero();
            assertThat(warnings).hasValue(0);
        } finally {
            log.removeHandler(counter);
        }
    }

    @Test
    void everyCall_isBoundedByTheTimeout_whenThePrimaryDoesNotAnswer() throws Exception {
        String outcome = (String) workers.get(0).request("hung-call", T).get(30, TimeUnit.SECONDS);
        assertThat(outcome).startsWith("TIMEOUT in ");
        assertThat(Long.parseLong(outcome.substring("TIMEOUT in ".length(), outcome.indexOf(" ms")))).isBetween(250L, 3_000L);
    }

    private static List<Integer> ports() throws Exception {
        List<Integer> ports = new ArrayList<>();
        for (ClusterWorker w : workers) {
            ports.add(((Number) w.request("port", T).get(30, TimeUnit.SECONDS)).intValue());
        }
        return ports;
    }

    private static URI url(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static long entry(String key, ClusterWorker w) {
        Map<String, Long> m = StoreTestWorker.readMap(store.blocking(), key);
        return m == null ? 0 : m.getOrDefault("w" + w.id(), 0L);
    }
}
