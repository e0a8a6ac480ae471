package dev.brigade.bench.store;

import dev.brigade.bench.BenchOptions;
import dev.brigade.bench.Figure;
import dev.brigade.bench.Suite;
import dev.brigade.store.SharedStore;
import dev.brigade.store.StoreOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code brigade bench store}: the SharedStore's figures, with a real Redis (redis-server from
 * PATH, on a free loopback port, started for the run) and redis-benchmark as the peer.
 *
 * <p>Until the cluster's IPC exists, the in-process backend stands in for the embedded one (the
 * primary will hold that very engine; a worker will add one IPC round trip): the figures say so.
 * Without redis-server the Redis peer and the Redis-backend figures are left out, never invented.
 */
public final class StoreSuite implements Suite {
    private static final int PIPELINE = 16;
    private static final String STAND_IN = "in-process backend standing in for the embedded one until the cluster IPC exists; ";

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
        Optional<RedisPeer> peer = RedisPeer.start();
        try (SharedStore local = SharedStore.inProcess(storeOptions)) {
            double localGet = StoreProbes.storeGetRttMicros(local, rounds);
            double localIncr = StoreProbes.storeIncrementsPerSecond(local, 2, incrs);
            if (peer.isEmpty()) {
                out.add(Figure.lower("store.get_rtt_p50_us", localGet, "us", Map.of(),
                        STAND_IN + "blocking get of a 3-byte value, median of " + rounds));
                out.add(Figure.higher("store.incr_per_s", localIncr, "ops/s", Map.of(),
                        STAND_IN + "2 threads, blocking increments, median of 3 runs of " + incrs));
                return out;
            }
            RedisPeer r = peer.get();
            String url = r.url();
            double rawGet = StoreProbes.rawGetRttMicros(url, rounds);
            Optional<Double> benchIncr = r.benchmark("incr", incrs, 2, 1);
            double rawIncr = benchIncr.isPresent() ? benchIncr.get() : StoreProbes.rawIncrementsPerSecond(url, 2, incrs);
            String incrSource = benchIncr.isPresent() ? "redis-benchmark -t incr -c 2 -P 1" : "raw Lettuce sync INCR, 2 threads";
            out.add(Figure.lower("store.get_rtt_p50_us", localGet, "us", Map.of("redis", rawGet),
                    STAND_IN + "blocking get of a 3-byte value, median of " + rounds
                            + "; redis: raw Lettuce sync GET on loopback (" + r.version() + ")"));
            out.add(Figure.higher("store.incr_per_s", localIncr, "ops/s", Map.of("redis", rawIncr),
                    STAND_IN + "2 threads, blocking increments, median of 3 runs of " + incrs + "; redis: " + incrSource));

            try (SharedStore remote = SharedStore.redis(url, storeOptions)) {
                double ours = StoreProbes.storePipelinedGetsPerSecond(remote, PIPELINE, pipelined);
                Optional<Double> bench = r.benchmark("get", pipelined, 1, PIPELINE);
                double ref = bench.isPresent() ? bench.get() : StoreProbes.rawPipelinedGetsPerSecond(url, PIPELINE, pipelined);
                String refSource = bench.isPresent() ? "redis-benchmark -t get -c 1 -P " + PIPELINE
                        : "raw Lettuce async GET in batches of " + PIPELINE + " (redis-benchmark not installed)";
                out.add(Figure.higher("store.redis_ops_ratio", ours / ref, "x", Map.of(),
                        String.format(java.util.Locale.ROOT, "Redis backend GET ops/s with %d in flight (%.0f/s) over %s (%.0f/s)",
                                PIPELINE, ours, refSource, ref)));
                out.add(Figure.lower("store.redis_get_rtt_p50_us", StoreProbes.storeGetRttMicros(remote, rounds), "us",
                        Map.of("redis", rawGet), "Redis backend: blocking get, median of " + rounds + "; redis: raw Lettuce sync GET"));
                out.add(Figure.higher("store.redis_incr_per_s", StoreProbes.storeIncrementsPerSecond(remote, 2, incrs), "ops/s",
                        Map.of("redis", rawIncr), "Redis backend: 2 threads, blocking increments; redis: " + incrSource));
            }
        } finally {
            peer.ifPresent(RedisPeer::close);
        }
        return out;
    }
}
