package dev.brigade.bench.store;

import dev.brigade.bench.Stats;
import dev.brigade.store.SharedStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The measurements of {@code brigade bench store}, each the same for a {@link SharedStore} and
 * for the raw Lettuce client it is compared with. Latencies are medians of per-call samples
 * after a warm-up (the first fifth is dropped); rates are the median of 3 timed runs.
 */
final class StoreProbes {
    /** redis-benchmark's default value size (-d 3), used for every GET. */
    static final String KEY = "key:__rand_int__";
    static final String VALUE = "xxx";

    private StoreProbes() {
    }

    /** Median microseconds of a blocking get from one thread. */
    static double storeGetRttMicros(SharedStore store, int rounds) {
        store.blocking().put(KEY, VALUE);
        rttMicros(rounds / 2, () -> store.blocking().get(KEY, String.class).map(String::length).orElse(0)); // warm-up
        return rttMicros(rounds, () -> store.blocking().get(KEY, String.class).map(String::length).orElse(0));
    }

    /** Median microseconds of a raw Lettuce sync GET: the Redis reference. */
    static double rawGetRttMicros(String url, int rounds) {
        try (Raw raw = new Raw(url)) {
            RedisCommands<String, String> sync = raw.connection.sync();
            sync.set(KEY, VALUE);
            rttMicros(rounds / 2, () -> sync.get(KEY).length()); // warm-up, as for the store
            return rttMicros(rounds, () -> sync.get(KEY).length());
        }
    }

    /** Increments per second, {@code threads} threads each doing blocking increments. */
    static double storeIncrementsPerSecond(SharedStore store, int threads, int total) throws Exception {
        return perSecond(threads, total, () -> store.blocking().increment("counter"));
    }

    /** Raw Lettuce sync INCRs per second from {@code threads} threads sharing one connection. */
    static double rawIncrementsPerSecond(String url, int threads, int total) throws Exception {
        try (Raw raw = new Raw(url)) {
            RedisCommands<String, String> sync = raw.connection.sync();
            return perSecond(threads, total, () -> sync.incr("counter"));
        }
    }

    /** Store gets per second with {@code window} calls in flight (one batch at a time, as redis-benchmark -P). */
    static double storePipelinedGetsPerSecond(SharedStore store, int window, int total) throws Exception {
        store.blocking().put(KEY, VALUE);
        return perSecond(1, total / window, () -> {
            List<CompletableFuture<?>> batch = new ArrayList<>(window);
            for (int i = 0; i < window; i++) {
                batch.add(store.get(KEY, String.class));
            }
            CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).join();
            return 0;
        }) * window;
    }

    /** Store gets per second in pipelined batches of {@code window} ({@link dev.brigade.store.StoreBatch}: one flush each). */
    static double storeBatchedGetsPerSecond(SharedStore store, int window, int total) throws Exception {
        store.blocking().put(KEY, VALUE);
        for (int i = 0; i < total / window; i++) { // a longer warm-up: the batch path has more code for the JIT than a GET
            dev.brigade.store.StoreBatch batch = store.batch();
            for (int j = 0; j < window; j++) {
                batch.get(KEY, String.class);
            }
            store.blocking().execute(batch);
        }
        return perSecond(1, total / window, () -> {
            dev.brigade.store.StoreBatch batch = store.batch();
            for (int i = 0; i < window; i++) {
                batch.get(KEY, String.class);
            }
            store.blocking().execute(batch);
            return 0;
        }) * window;
    }

    /**
     * The embedded store from worker JVMs: median µs of a blocking get in one worker, and
     * increments per second of {@code workers} workers each doing blocking increments of one
     * counter at once (median of 3 runs after a warm-up run).
     */
    static double[] embedded(int workers, int rounds, int incrs) throws Exception {
        java.util.List<java.nio.file.Path> cp = java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(s -> !s.isEmpty()).map(java.nio.file.Path::of).toList();
        dev.brigade.cluster.ClusterSettings settings = dev.brigade.cluster.ClusterSettings.builder()
                .entry(dev.brigade.cluster.ProcessEntry.mainClass(EmbeddedBenchWorker.class.getName(), cp))
                .profile(dev.brigade.cluster.StartupProfile.SMALL)
                .instances(workers).classDataArchive(false).shutdownHook(false).output(line -> { }).build();
        Duration t = Duration.ofMinutes(2);
        try (dev.brigade.cluster.Cluster c = dev.brigade.cluster.Cluster.create(settings);
             SharedStore primary = SharedStore.embedded(c)) {
            List<dev.brigade.cluster.ClusterWorker> ws = c.fork();
            for (dev.brigade.cluster.ClusterWorker w : ws) {
                w.online().get(1, TimeUnit.MINUTES);
            }
            double rtt = ((Number) ws.get(0).request("get-rtt:" + rounds, t).get(2, TimeUnit.MINUTES)).doubleValue();
            double[] rates = new double[4];
            for (int r = 0; r < rates.length; r++) { // run 0 is the warm-up
                int each = r == 0 ? Math.max(1, incrs / workers / 5) : incrs / workers;
                long t0 = System.nanoTime();
                List<CompletableFuture<Object>> runs = new ArrayList<>();
                for (dev.brigade.cluster.ClusterWorker w : ws) {
                    runs.add(w.request("incr:" + each, t));
                }
                CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
                rates[r] = (double) each * workers / ((System.nanoTime() - t0) / 1e9);
            }
            long expected = primary.blocking().get("counter", Long.class).orElse(0L);
            if (expected != (long) (Math.max(1, incrs / workers / 5) + 3L * (incrs / workers)) * workers) {
                throw new IllegalStateException("embedded counter is " + expected + ": increments were lost");
            }
            return new double[] {rtt, Stats.median(java.util.Arrays.copyOfRange(rates, 1, 4))};
        }
    }

    /** Raw Lettuce async GETs per second, batches of {@code window}: the reference without redis-benchmark. */
    static double rawPipelinedGetsPerSecond(String url, int window, int total) throws Exception {
        try (Raw raw = new Raw(url)) {
            RedisAsyncCommands<String, String> async = raw.connection.async();
            raw.connection.sync().set(KEY, VALUE);
            return perSecond(1, total / window, () -> {
                List<RedisFuture<String>> batch = new ArrayList<>(window);
                for (int i = 0; i < window; i++) {
                    batch.add(async.get(KEY));
                }
                for (RedisFuture<String> f : batch) {
                    f.toCompletableFuture().join();
                }
                return 0;
            }) * window;
        }
    }

    private static double rttMicros(int rounds, LongSupplier call) {
        long[] samples = new long[rounds];
        long sink = 0;
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            sink += call.getAsLong();
            samples[i] = System.nanoTime() - t0;
        }
        if (sink == Long.MIN_VALUE) {
            System.err.println(sink); // keeps the calls observable to the JIT
        }
        long[] kept = java.util.Arrays.copyOfRange(samples, rounds / 5, rounds);
        return Stats.median(kept) / 1_000.0;
    }

    /** Calls per second of {@code call}, run {@code total} times split over {@code threads}; median of 3 runs after a warm-up. */
    private static double perSecond(int threads, int total, LongSupplier call) throws Exception {
        run(threads, Math.max(threads, total / 5), call); // warm-up
        double[] rates = new double[3];
        for (int r = 0; r < rates.length; r++) {
            long t0 = System.nanoTime();
            run(threads, total, call);
            rates[r] = total / ((System.nanoTime() - t0) / 1e9);
        }
        return Stats.median(rates);
    }

    private static void run(int threads, int total, LongSupplier call) throws Exception {
        List<Thread> ts = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int t = 0; t < threads; t++) {
            int n = total / threads + (t < total % threads ? 1 : 0);
            Thread th = new Thread(() -> {
                for (int i = 0; i < n; i++) {
                    call.getAsLong();
                }
            }, "bench-store-" + t);
            th.setUncaughtExceptionHandler((x, e) -> failures.add(e));
            ts.add(th);
            th.start();
        }
        for (Thread th : ts) {
            th.join(TimeUnit.MINUTES.toMillis(2));
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("a bench thread failed: " + failures.get(0), failures.get(0));
        }
    }

    /** A plain Lettuce client and connection, closed quickly. */
    private static final class Raw implements AutoCloseable {
        final RedisClient client;
        final StatefulRedisConnection<String, String> connection;

        Raw(String url) {
            client = RedisClient.create(url);
            connection = client.connect();
        }

        @Override
        public void close() {
            connection.close();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }
}
