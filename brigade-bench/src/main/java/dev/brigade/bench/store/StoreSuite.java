package dev.brigade.bench.store;

import dev.brigade.bench.BenchOptions;
import dev.brigade.bench.Figure;
import dev.brigade.bench.Suite;
import dev.brigade.store.SharedStore;
import dev.brigade.store.StoreOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code brigade bench store}: the SharedStore's figures, with a real Redis (redis-server from
 * PATH, on a free loopback port, started for the run) and redis-benchmark as the peer.
 *
 * <p>The embedded figures are measured on the real embedded backend: a primary (this JVM)
 * holding the store and worker JVMs ({@link EmbeddedBenchWorker}) calling it over the cluster's
 * IPC. The in-process backend (worker threads of one JVM) is reported beside them. Without
 * redis-server the Redis peer and the Redis-backend figures are left out, never invented.
 */
public final class StoreSuite implements Suite {
    private static final int PIPELINE = 16;

    @Override
    public String name() {
        return "store";
    }

    @Override
    public List<Figure> run(BenchOptions options) throws Exception {
        boolean quick = options.quick();
        int rounds = quick ? 5_000 : 50_000;
        int incrs = quick ? 20_000 : 200_000;
        int pipelined = quick ? 50_000 : 500_000;
        StoreOptions storeOptions = StoreOptions.defaults().withTimeout(Duration.ofSeconds(5));
        List<Figure> out = new ArrayList<>();
        double[] embedded = StoreProbes.embedded(2, rounds, incrs);
        String getNote = "embedded: blocking get of a 3-byte value from a worker JVM over IPC, median of " + rounds;
        String incrNote = "embedded: 2 worker JVMs, blocking increments of one counter over IPC, median of 3 runs of " + incrs;
        Optional<RedisPeer> peer = RedisPeer.start();
        try (SharedStore local = SharedStore.inProcess(storeOptions)) {
            double localGet = StoreProbes.storeGetRttMicros(local, rounds);
            double localIncr = StoreProbes.storeIncrementsPerSecond(local, 2, incrs);
            if (peer.isEmpty()) {
                out.add(Figure.lower("store.get_rtt_p50_us", embedded[0], "us", Map.of(), getNote));
                out.add(Figure.higher("store.incr_per_s", embedded[1], "ops/s", Map.of(), incrNote));
            } else {
                RedisPeer r = peer.get();
                String url = r.url();
                double rawGet = StoreProbes.rawGetRttMicros(url, rounds);
                Optional<Double> benchIncr = r.benchmark("incr", incrs, 2, 1);
                double rawIncr = benchIncr.isPresent() ? benchIncr.get() : StoreProbes.rawIncrementsPerSecond(url, 2, incrs);
                String incrSource = benchIncr.isPresent() ? "redis-benchmark -t incr -c 2 -P 1" : "raw Lettuce sync INCR, 2 threads";
                out.add(Figure.lower("store.get_rtt_p50_us", embedded[0], "us", Map.of("redis", rawGet),
                        getNote + "; redis: raw Lettuce sync GET on loopback (" + r.version() + ")"));
                out.add(Figure.higher("store.incr_per_s", embedded[1], "ops/s", Map.of("redis", rawIncr),
                        incrNote + "; redis: " + incrSource));

                try (SharedStore remote = SharedStore.redis(url, storeOptions)) {
                    Optional<Double> bench = r.benchmark("get", pipelined, 1, PIPELINE);
                    double ref = bench.isPresent() ? bench.get() : StoreProbes.rawPipelinedGetsPerSecond(url, PIPELINE, pipelined);
                    String refSource = bench.isPresent() ? "redis-benchmark -t get -c 1 -P " + PIPELINE
                            : "raw Lettuce async GET in batches of " + PIPELINE + " (redis-benchmark not installed)";
                    double batched = StoreProbes.storeBatchedGetsPerSecond(remote, PIPELINE, pipelined);
                    out.add(Figure.higher("store.redis_ops_ratio", batched / ref, "x", Map.of(),
                            String.format(Locale.ROOT, "Redis backend GETs in StoreBatch batches of %d (sent as one MGET, one flush: %.0f/s),"
                                    + " over %s (%.0f/s)", PIPELINE, batched, refSource, ref)));
                    double unbatched = StoreProbes.storePipelinedGetsPerSecond(remote, PIPELINE, pipelined);
                    out.add(Figure.higher("store.redis_unbatched_ops_ratio", unbatched / ref, "x", Map.of(),
                            String.format(Locale.ROOT, "Redis backend GETs, %d single calls in flight (a flush each: %.0f/s), over %s",
                                    PIPELINE, unbatched, refSource)));
                    out.add(Figure.lower("store.redis_get_rtt_p50_us", StoreProbes.storeGetRttMicros(remote, rounds), "us",
                            Map.of("redis", rawGet), "Redis backend: blocking get, median of " + rounds + "; redis: raw Lettuce sync GET"));
                    out.add(Figure.higher("store.redis_incr_per_s", StoreProbes.storeIncrementsPerSecond(remote, 2, incrs), "ops/s",
                            Map.of("redis", rawIncr), "Redis backend: 2 threads, blocking increments; redis: " + incrSource));
                }
            }
            out.add(Figure.lower("store.inprocess_get_rtt_p50_us", localGet, "us", Map.of(),
                    "in-process backend (worker threads of one JVM): blocking get, median of " + rounds));
            out.add(Figure.higher("store.inprocess_incr_per_s", localIncr, "ops/s", Map.of(),
                    "in-process backend: 2 threads, blocking increments, median of 3 runs of " + incrs));
        } finally {
            peer.ifPresent(RedisPeer::close);
        }
        return out;
    }
}
