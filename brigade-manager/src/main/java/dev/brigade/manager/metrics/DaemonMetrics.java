package dev.brigade.manager.metrics;

import dev.brigade.cluster.ClusterMetrics;
import dev.brigade.cluster.internal.ProcStat;
import dev.brigade.manager.daemon.AppInfo;
import dev.brigade.manager.daemon.AppView;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/*
 * The daemon's (and `brigade run`'s) metrics, in Prometheus' text format through Micrometer's
 * Prometheus registry: nothing here writes the exposition format.
 *
 * Apps come and go, and so do their workers, while Micrometer's meters are registered once and read
 * at every scrape. So each scrape first brings the registry in line with the apps (sync): a
 * cluster-mode app's meters are its cluster's own ClusterMetrics (created with the cluster, before
 * its first worker, so every restart is counted; removed by the cluster's close), bound here once;
 * a fork-mode app gets ForkMeters with the same names and tag keys; an app that is gone has its
 * meters removed. The per-app values then come from one AppInfo per app taken by that sync, and CPU
 * and memory from /proc at most once a second per process (ProcSample). All of that is rendering,
 * done by a sampler thread once a second while scrapes come (Prerendered): the scrape itself only
 * sends the latest rendering.
 */
/** The registry behind {@code /metrics}: the apps' meters, kept in line with the apps at each scrape, and the daemon's own. */
public final class DaemonMetrics {
    /** The defaults, with descriptions answered at once: the default looks the property up for every meter at every scrape. */
    private static final PrometheusConfig CONFIG = new PrometheusConfig() {
        @Override
        public String get(String key) {
            return null;
        }

        @Override
        public boolean descriptions() {
            return true;
        }
    };
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(CONFIG);
    private final Supplier<List<AppView>> apps;
    private final Map<String, AppMeters> byName = new HashMap<>();           // guarded by this
    private final Set<ClusterMetrics> bound = Collections.newSetFromMap(new IdentityHashMap<>()); // guarded by this
    private volatile int appCount;
    private final Prerendered prerendered = new Prerendered(this::render, System::nanoTime);

    /** An app's meters of its own: desired workers, dropped log lines, and in fork mode the rest. */
    private record AppMeters(AppView app, List<Meter> meters, ForkMeters fork) {
    }

    /**
     * The metrics of the apps {@code apps} lists (called at each scrape).
     *
     * @param apps the apps as they are now
     */
    public DaemonMetrics(Supplier<List<AppView>> apps) {
        this.apps = apps;
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        Gauge.builder("brigade.daemon.apps", this, m -> m.appCount).description("apps the daemon runs").register(registry);
        Gauge.builder("brigade.daemon.memory.resident", this, m -> ProcStat.rssBytes(ProcessHandle.current().pid()))
                .baseUnit("bytes").description("the daemon's resident memory (RSS)").register(registry);
    }

    /** The registry, for meters of the embedding command (e.g. {@code brigade run}'s dropped lines). */
    public MeterRegistry registry() {
        return registry;
    }

    /**
     * The metrics, in Prometheus' text format (0.0.4), as they were at most about a second ago: while
     * scrapes come, a sampler thread renders them once a second and a scrape answers the latest
     * rendering (see {@link Prerendered}); the first scrape after a quiet spell renders them itself.
     *
     * @return the exposition
     */
    public String scrape() {
        return prerendered.get();
    }

    /** The metrics rendered now (the sampler's work, and a scrape's when there is no recent rendering). */
    private synchronized String render() {
        sync();
        return registry.scrape();
    }

    private void sync() {
        List<AppView> now = apps.get();
        appCount = now.size();
        Map<String, AppView> seen = new HashMap<>();
        for (AppView a : now) {
            seen.put(a.name(), a);
            AppMeters m = byName.get(a.name());
            if (m != null && !m.app().sameApp(a)) {
                remove(m); // deleted and started again under the same name: a new app
                m = null;
            }
            AppInfo info = a.clustered() ? null : a.info();
            if (m == null) {
                m = register(a, info);
                byName.put(a.name(), m);
            } else if (m.fork() != null) {
                m.fork().update(info);
            }
            ClusterMetrics cm = a.clusterMetrics();
            if (cm != null && bound.add(cm)) {
                cm.bindTo(registry); // its close() (the app stops) removes its meters
            }
        }
        byName.values().removeIf(m -> {
            if (!m.app().sameApp(seen.get(m.app().name()))) {
                remove(m);
                return true;
            }
            return false;
        });
        List<ClusterMetrics> current = now.stream().map(AppView::clusterMetrics).filter(c -> c != null).toList();
        bound.removeIf(c -> current.stream().noneMatch(x -> x == c)); // closed with their clusters
    }

    private AppMeters register(AppView a, AppInfo info) {
        List<Meter> meters = new ArrayList<>();
        meters.add(Gauge.builder("brigade.workers.desired", a, AppView::desired).tags("app", a.name())
                .description("the instances the app should run").register(registry));
        meters.add(FunctionCounter.builder("brigade.log.lines.dropped", a, AppView::droppedLogLines).tags("app", a.name())
                .description("log lines that could not be written to the app's log files").register(registry));
        return new AppMeters(a, meters, info == null ? null : new ForkMeters(registry, a, info));
    }

    private void remove(AppMeters m) {
        m.meters().forEach(registry::remove);
        if (m.fork() != null) {
            m.fork().remove();
        }
    }
}
