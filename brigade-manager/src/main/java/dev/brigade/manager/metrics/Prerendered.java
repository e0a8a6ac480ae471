package dev.brigade.manager.metrics;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/*
 * Why the exposition is rendered ahead of the scrape. Rendering it is the whole cost of a scrape:
 * bringing the meters in line with the apps, reading /proc for CPU and memory of every worker
 * (stat, smaps_rollup, the TCP tables) and Micrometer's Prometheus registry walking ~350 series
 * (validating names, sorting labels, encoding text): measured 3.5 ms of CPU with /proc cached and
 * 7.5 ms without, in the daemon's C1-only JIT. On a loaded machine every millisecond of CPU a
 * request needs becomes many milliseconds of waiting for a core, so a scrape took 50 ms.
 *
 * So while someone scrapes, a sampler thread renders ahead and a scrape answers the latest rendering.
 * Scrapes come at a steady interval (Prometheus' scrape_interval), so the sampler renders once per
 * interval, LEAD before the next scrape is due, and never more than once per PERIOD: the same work
 * as rendering on the scrape path (one rendering per scrape), done off it, and the figures served are
 * about LEAD old (the resolution /proc figures have anyway). The first scrape after a quiet spell
 * renders on the spot (fresh figures) and starts the sampler, which stops once scrapes stop coming
 * (a few intervals without one): a daemon nobody scrapes does no work for metrics. A rendering older
 * than STALE (the sampler late: starved of CPU, or the scrapes irregular) is never served: the scrape
 * renders itself.
 */
/** The latest rendering of the exposition, kept at most about a second old by a sampler while it is asked for. */
final class Prerendered {
    /** At most one rendering per period, and a rendering is made this long before the next scrape is due. */
    static final long PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final long LEAD_NANOS = PERIOD_NANOS;
    static final long STALE_NANOS = TimeUnit.SECONDS.toNanos(3);
    /** The sampler stops after this long without a scrape at most (sooner when scrapes came often: {@link #idleLimit}). */
    static final long IDLE_NANOS = TimeUnit.MINUTES.toNanos(5);
    private static final System.Logger LOG = System.getLogger("dev.brigade.manager.metrics");

    private record Rendering(long at, String text) {
    }

    private final Supplier<String> render;
    private final LongSupplier clock;
    private volatile Rendering last;
    private volatile long askedAt;
    private volatile long interval = PERIOD_NANOS; // the last gap between two scrapes, at least PERIOD
    private Thread sampler; // guarded by this; null while nobody scrapes

    /**
     * @param render renders the exposition now (thread-safe: the sampler and a scrape may call it)
     * @param clock  nanoseconds, as {@link System#nanoTime}
     */
    Prerendered(Supplier<String> render, LongSupplier clock) {
        this.render = render;
        this.clock = clock;
    }

    /** The exposition: the sampler's latest rendering, or a new one if there is none recent enough. */
    String get() {
        long now = clock.getAsLong();
        long previous = askedAt;
        askedAt = now;
        if (previous != 0) {
            interval = Math.max(PERIOD_NANOS, now - previous);
        }
        Rendering r = last;
        if (r == null || now - r.at() > STALE_NANOS) {
            r = renderNow();
        }
        ensureSampler();
        return r.text();
    }

    private Rendering renderNow() {
        long at = clock.getAsLong(); // before rendering: the figures are at least this recent
        Rendering r = new Rendering(at, render.get());
        synchronized (this) {
            if (last == null || last.at() < r.at()) {
                last = r;
            }
        }
        return r;
    }

    private synchronized void ensureSampler() {
        if (sampler == null) {
            sampler = Thread.ofPlatform().daemon().name("brigade-metrics-sampler").start(this::sample);
        }
    }

    /** Whether the sampler runs (tests). */
    synchronized boolean sampling() {
        return sampler != null;
    }

    /** The sampler: one rendering per scrape interval, just before the next scrape; ends when scrapes stop. */
    private void sample() {
        while (true) {
            long now = clock.getAsLong();
            long asked = askedAt;
            long every = interval;
            synchronized (this) {
                if (now - asked > idleLimit(every)) {
                    sampler = null;
                    last = null; // the next scrape, after a quiet spell, renders fresh figures itself
                    return;
                }
            }
            Rendering r = last;
            long due = Math.max(r == null ? now : r.at() + PERIOD_NANOS, asked + every - LEAD_NANOS);
            if (due > now) {
                LockSupport.parkNanos(Math.min(due - now, PERIOD_NANOS)); // a schedule, not a hand-off: nothing waits on it
                continue;
            }
            try {
                renderNow();
            } catch (RuntimeException | LinkageError e) {
                // never die silently: the scrape renders itself once the last rendering is stale
                LOG.log(System.Logger.Level.WARNING, "rendering /metrics failed: " + e, e);
                LockSupport.parkNanos(PERIOD_NANOS);
            }
        }
    }

    /** Scrapes have stopped when none came for two intervals and a few seconds (at most {@link #IDLE_NANOS}). */
    static long idleLimit(long interval) {
        return Math.min(IDLE_NANOS, 2 * interval + 2 * STALE_NANOS);
    }
}
