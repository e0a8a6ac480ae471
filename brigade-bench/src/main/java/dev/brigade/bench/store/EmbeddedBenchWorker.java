package dev.brigade.bench.store;

import dev.brigade.cluster.Cluster;
import dev.brigade.store.SharedStore;
import dev.brigade.store.StoreOptions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The worker program of {@code brigade bench store}'s embedded figures: opens
 * {@code SharedStore.embedded} (the primary holds the data; every call crosses the cluster's
 * IPC) and measures on request, on a thread of its own (the IPC reader never blocks):
 * {@code get-rtt:N} the median µs of a blocking get, {@code incr:N} the ns taken by N blocking
 * increments of one counter.
 */
public final class EmbeddedBenchWorker {
    public static void main(String[] args) {
        Cluster cluster = Cluster.create();
        SharedStore store = SharedStore.embedded(cluster, StoreOptions.defaults().withTimeout(Duration.ofSeconds(5)));
        cluster.self().onRequest(req -> {
            String[] p = ((String) req).split(":");
            int n = Integer.parseInt(p[1]);
            return switch (p[0]) {
                case "get-rtt" -> onThread(() -> StoreProbes.storeGetRttMicros(store, n));
                case "incr" -> onThread(() -> {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < n; i++) {
                        store.blocking().increment("counter");
                    }
                    return System.nanoTime() - t0;
                });
                default -> throw new IllegalArgumentException("unknown request " + req);
            };
        });
    }

    private static <T> CompletableFuture<T> onThread(Supplier<T> work) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("bench-store").start(() -> {
            try {
                f.complete(work.get());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }
}
