package dev.brigade.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.brigade.cluster.ClusterWorker;
import dev.brigade.cluster.MessageCodec;
import dev.brigade.store.internal.EmbeddedClient;
import dev.brigade.store.internal.EmbeddedHost;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract against the embedded backend's worker side, without worker JVMs: each request
 * and answer goes through the cluster's default {@link MessageCodec} (as over IPC) to a host
 * served in this JVM. The same contract from real worker JVMs is {@code EmbeddedClusterTest}.
 */
class EmbeddedWireStoreTest extends SharedStoreContract {
    private static final MessageCodec CODEC = MessageCodec.json();
    private static final int WORKER_ID = 7;
    private static EmbeddedHost host;

    @BeforeAll
    static void startHost() {
        host = EmbeddedHost.detached(StoreClock.system());
    }

    @AfterAll
    static void stopHost() {
        host.shutdown();
    }

    @Override
    protected SharedStore open(StoreOptions options) {
        return SharedStore.over(new EmbeddedClient(transport(), "embedded (wire test)", options.timeout(), Duration.ofMillis(300)),
                options);
    }

    /** Requests through the cluster's codec to the host, as worker {@value #WORKER_ID}. */
    private EmbeddedClient.Transport transport() {
        ClusterWorker worker = (ClusterWorker) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ClusterWorker.class},
                (p, m, a) -> switch (m.getName()) {
                    case "id" -> WORKER_ID;
                    case "toString" -> "worker " + WORKER_ID;
                    case "hashCode" -> System.identityHashCode(p);
                    case "equals" -> p == a[0];
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        return (body, timeout) -> {
            Object answer = host.serve(worker, wire(body));
            return answer instanceof CompletableFuture<?> f
                    ? f.thenApply(EmbeddedWireStoreTest::wire).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    : CompletableFuture.completedFuture(wire(answer));
        };
    }

    private static Object wire(Object message) {
        return CODEC.decode(CODEC.encode(message));
    }

    @Test
    void bytesOfEveryValue_surviveTheCodec() {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        sync.put(p + "bin", all);
        assertThat(sync.get(p + "bin", byte[].class)).hasValueSatisfying(b -> assertThat(b).isEqualTo(all));
        assertThat(sync.compareAndSet(p + "bin", all, "next")).isTrue();
    }

    @Test
    void aSubscriberThePrimaryDropped_subscribesAgain_andStopsPollingWhenUnsubscribed() {
        List<String> got = new CopyOnWriteArrayList<>();
        Subscription s = sync.subscribe(p + "ch", String.class, got::add);
        assertThat(host.subscriberCount()).isEqualTo(1);
        host.forgetWorker(WORKER_ID); // as when the primary sees the worker's channel close
        // the client's outstanding poll was answered empty; the next poll hears GONE and subscribes again
        // (here at once: this transport answers on the caller's thread)
        await().atMost(Duration.ofSeconds(5)).until(() -> host.subscriberCount() == 1);
        sync.publish(p + "ch", "after");
        await().atMost(Duration.ofSeconds(5)).until(() -> got.contains("after"));
        s.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> host.subscriberCount() == 0);
        assertThat(host.queuedMessages()).isZero();
    }

    @Test
    void failingPolls_areRetriedWithBackoff_notInAStorm() {
        EmbeddedClient.Transport real = transport();
        List<Long> polls = new CopyOnWriteArrayList<>();
        EmbeddedClient.Transport failingPolls = (body, timeout) -> {
            if (body instanceof List<?> l && "poll".equals(l.get(0))) {
                polls.add(System.nanoTime());
                return CompletableFuture.failedFuture(new StoreException(StoreException.Code.UNAVAILABLE, "primary unreachable"));
            }
            return real.call(body, timeout);
        };
        StoreOptions o = StoreOptions.defaults();
        try (SharedStore s = SharedStore.over(new EmbeddedClient(failingPolls, "embedded (failing polls)", o.timeout(),
                Duration.ofMillis(300)), o)) {
            s.blocking().subscribe(p + "ch", String.class, m -> { });
            await().atMost(Duration.ofSeconds(5)).until(() -> polls.size() >= 4);
            // backoff 100, 200, 400 ms between the first four polls: at least 700 ms, not a busy loop
            assertThat(polls.get(3) - polls.get(0)).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(650));
        }
    }
}
