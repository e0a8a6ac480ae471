package dev.brigade.bench.pool;

import dev.brigade.bench.BenchOptions;
import dev.brigade.bench.Figure;
import dev.brigade.bench.NodePeer;
import dev.brigade.bench.Stats;
import dev.brigade.bench.Suite;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * {@code brigade bench pool}: issue 3's figures for Brigade's WorkerPool, with a bare
 * ThreadPoolExecutor ({@code tpe}) and Piscina 5 ({@code piscina}, when node and npm are there)
 * measured in the same run. Two worker threads everywhere; the machine otherwise idle.
 */
public final class PoolSuite implements Suite {
    private static final int WINDOW = 64;

    @Override
    public String name() {
        return "pool";
    }

    @Override
    public List<Figure> run(BenchOptions options) throws Exception {
        boolean quick = options.quick();
        Map<String, Double> piscina = NodePeer.figures("piscina", "pool.js", quick, "piscina@5");
        List<Figure> out = new ArrayList<>();
        int n = quick ? 300_000 : 2_000_000;
        int reps = quick ? 2 : 5;
        // Rounds alternate between the contenders (both pools exist, the idle one parked): on a shared
        // machine, load that comes and goes then falls on both alike instead of on whoever ran second.
        Map<String, Double> rates = new LinkedHashMap<>();
        Map<String, PoolProbes.Runner> runners = new LinkedHashMap<>();
        Map<String, double[]> runs = new LinkedHashMap<>();
        try {
            for (var e : contenders().entrySet()) {
                PoolProbes.Runner r = e.getValue().apply(2, Function.identity());
                runners.put(e.getKey(), r);
                PoolProbes.tasksPerSecond(r, n / 4, WINDOW);             // warm-up
                runs.put(e.getKey(), new double[reps]);
            }
            for (int i = 0; i < reps; i++) {
                for (var e : runners.entrySet()) {
                    runs.get(e.getKey())[i] = PoolProbes.tasksPerSecond(e.getValue(), n, WINDOW);
                }
            }
        } finally {
            for (PoolProbes.Runner r : runners.values()) {
                r.close();
            }
        }
        runs.forEach((k, v) -> rates.put(k, Stats.median(v)));
        out.add(Figure.higher("pool.tasks_per_s", rates.get("brigade"), "tasks/s",
                peers(rates.get("tpe"), piscina.get("pool.tasks_per_s")),
                "2 threads, trivial tasks, " + WINDOW + " in flight, " + n + " tasks, median of " + reps
                        + " runs after warm-up, brigade and tpe rounds alternating"));

        int seq = quick ? 20_000 : 200_000;
        Map<String, Double> ovh = new LinkedHashMap<>();
        for (var e : contenders().entrySet()) {
            try (PoolProbes.Runner r = e.getValue().apply(2, Function.identity())) {
                ovh.put(e.getKey(), PoolProbes.overheadMicros(r, seq));
            }
        }
        out.add(Figure.lower("pool.overhead_p50_us", ovh.get("brigade"), "us",
                peers(ovh.get("tpe"), piscina.get("pool.overhead_p50_us")),
                "one trivial task at a time, submit to result seen by the caller (spinning), median of " + seq
                        + " (first fifth dropped)"));

        int iterations = PoolProbes.calibrate(5.0);
        int tasks = quick ? 40 : 200;
        Map<String, Double> speedup = new LinkedHashMap<>();
        for (var e : contenders().entrySet()) {
            double[] wall = new double[2];
            for (int threads = 1; threads <= 2; threads++) {
                try (PoolProbes.Runner r = e.getValue().apply(threads, PoolProbes::cpu)) {
                    PoolProbes.cpuWallNanos(r, 10, iterations);            // warm-up (JIT)
                    wall[threads - 1] = PoolProbes.cpuWallNanos(r, tasks, iterations);
                }
            }
            speedup.put(e.getKey(), wall[0] / wall[1]);
        }
        out.add(Figure.higher("pool.cpu_speedup", speedup.get("brigade"), "x",
                peers(speedup.get("tpe"), piscina.get("pool.cpu_speedup")),
                tasks + " CPU tasks of ~5 ms (xorshift loop): wall time on 1 thread / on 2 threads"));
        return out;
    }

    private static Map<String, BiFunction<Integer, Function<Object, Object>, PoolProbes.Runner>> contenders() {
        Map<String, BiFunction<Integer, Function<Object, Object>, PoolProbes.Runner>> m = new LinkedHashMap<>();
        m.put("brigade", PoolProbes::brigade);
        m.put("tpe", PoolProbes::tpe);
        return m;
    }

    private static Map<String, Double> peers(Double tpe, Double piscina) {
        Map<String, Double> m = new LinkedHashMap<>();
        if (piscina != null) {
            m.put("piscina", piscina);
        }
        if (tpe != null) {
            m.put("tpe", tpe);
        }
        return m;
    }
}
