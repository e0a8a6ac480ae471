package dev.brigade.worker.pool;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.ToDoubleFunction;

/**
 * Exports a pool's figures to Micrometer. Micrometer is an optional dependency: only this class
 * needs it, so a pool works without it on the class path.
 *
 * <pre>{@code new PoolMetrics(pool, "hasher").bindTo(registry);}</pre>
 *
 * Meters (tag {@code pool}): {@code brigade.pool.tasks.completed}, {@code .failed},
 * {@code .rejected} (counters), {@code brigade.pool.queued}, {@code .held}, {@code .threads},
 * {@code .utilization} (gauges), and {@code brigade.pool.run.time} / {@code brigade.pool.wait.time}
 * gauges in seconds with a {@code stat} tag: mean, p50, p90, p99, p999, max. A snapshot is taken
 * at most once per second, however many meters are read.
 */
public final class PoolMetrics implements MeterBinder {
    private final WorkerPool<?, ?> pool;
    private final Tags tags;
    private volatile PoolStats last;
    private volatile long lastAt;

    /**
     * Meters for {@code pool}, tagged {@code pool=name}; bind them with {@link #bindTo}.
     *
     * @param pool the pool to read
     * @param name the {@code pool} tag's value
     */
    public PoolMetrics(WorkerPool<?, ?> pool, String name) {
        this.pool = pool;
        this.tags = Tags.of(Tag.of("pool", name));
    }

    private PoolStats stats() {
        long now = System.nanoTime();
        PoolStats s = last;
        if (s == null || now - lastAt > 1_000_000_000L) {
            s = pool.stats();
            last = s;
            lastAt = now;
        }
        return s;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        counter(registry, "brigade.pool.tasks.completed", s -> s.completed());
        counter(registry, "brigade.pool.tasks.failed", s -> s.failed());
        counter(registry, "brigade.pool.tasks.rejected", s -> s.rejected());
        Gauge.builder("brigade.pool.queued", pool, p -> p.queueSize()).tags(tags).register(registry);
        gauge(registry, "brigade.pool.held", Tags.empty(), s -> s.held());
        Gauge.builder("brigade.pool.threads", pool, p -> p.threads()).tags(tags).register(registry);
        gauge(registry, "brigade.pool.utilization", Tags.empty(), s -> s.utilization());
        times(registry, "brigade.pool.run.time", true);
        times(registry, "brigade.pool.wait.time", false);
    }

    // Micrometer holds a meter's state object weakly. The state is the pool, which its owner keeps;
    // this binder is often created inline and dropped, so the functions hold it instead.
    private void counter(MeterRegistry r, String name, ToDoubleFunction<PoolStats> f) {
        FunctionCounter.builder(name, pool, p -> f.applyAsDouble(stats())).tags(tags).register(r);
    }

    private void gauge(MeterRegistry r, String name, Tags extra, ToDoubleFunction<PoolStats> f) {
        Gauge.builder(name, pool, p -> f.applyAsDouble(stats())).tags(tags.and(extra)).register(r);
    }

    private void times(MeterRegistry r, String name, boolean run) {
        ToDoubleFunction<PoolStats.TimeSummary> micros;
        String[] stats = {"mean", "p50", "p90", "p99", "p999", "max"};
        for (String stat : stats) {
            micros = switch (stat) {
                case "mean" -> PoolStats.TimeSummary::mean;
                case "p50" -> PoolStats.TimeSummary::p50;
                case "p90" -> PoolStats.TimeSummary::p90;
                case "p99" -> PoolStats.TimeSummary::p99;
                case "p999" -> PoolStats.TimeSummary::p999;
                default -> PoolStats.TimeSummary::max;
            };
            ToDoubleFunction<PoolStats.TimeSummary> m = micros;
            Gauge.builder(name, pool, p -> m.applyAsDouble(run ? stats().runTime() : stats().waitTime()) / 1e6)
                    .baseUnit("seconds").tags(tags.and("stat", stat)).register(r);
        }
    }
}
