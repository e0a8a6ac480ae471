package dev.brigade.manager.metrics;

import dev.brigade.cluster.internal.ProcSample;
import dev.brigade.cluster.internal.TcpConnections;
import dev.brigade.manager.daemon.AppInfo;
import dev.brigade.manager.daemon.AppView;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * A fork-mode app's meters: the same names and tag keys as the cluster's {@code ClusterMetrics}
 * (so one query covers both modes), read from the app as {@link DaemonMetrics} saw it at the
 * start of the scrape ({@link #update}). Slots come and go with {@code scale}.
 */
final class ForkMeters {
    /** Fork mode's instance states ({@code ls}). */
    static final List<String> STATES = List.of("online", "waiting-restart", "stopping", "stopped", "errored");
    private static final List<String> CAUSES = List.of("crash", "hang", "memory", "reload");

    private final MeterRegistry registry;
    private final AppView app;
    private final Tags tags;
    private final List<Meter> meters = new ArrayList<>();
    private final Map<Integer, List<Meter>> slots = new HashMap<>();
    private final Map<Integer, Meter> states = new HashMap<>(); // slot -> its brigade.worker.state series (tag: its status)
    private volatile AppInfo info;

    ForkMeters(MeterRegistry registry, AppView app, AppInfo info) {
        this.registry = registry;
        this.app = app;
        this.tags = Tags.of("app", app.name());
        this.info = info;
        for (String state : STATES) {
            meters.add(Gauge.builder("brigade.workers", this, m -> m.count(state)).tags(tags.and("state", state))
                    .description("live workers in this state").register(registry));
        }
        for (String cause : CAUSES) {
            meters.add(FunctionCounter.builder("brigade.restarts", app, a -> a.restarts(cause)).tags(tags.and("cause", cause))
                    .description("workers replaced, by cause").register(registry));
        }
        meters.add(FunctionCounter.builder("brigade.boot.failures", app, AppView::bootFailures).tags(tags)
                .description("workers that could not start").register(registry));
        meters.add(FunctionTimer.builder("brigade.reload", app, AppView::reloads, AppView::reloadNanos, TimeUnit.NANOSECONDS)
                .tags(tags).description("rolling reloads").register(registry));
        meters.add(FunctionCounter.builder("brigade.reload.failures", app, AppView::reloadFailures).tags(tags)
                .description("rolling reloads aborted (the old workers kept serving)").register(registry));
        if (app.declaredPort() > 0) {
            int port = app.declaredPort();
            meters.add(Gauge.builder("brigade.connections", app, a -> TcpConnections.established(List.of(port))).tags(tags)
                    .description("established TCP connections on the declared ports").register(registry));
        }
        update(info);
    }

    AppView app() {
        return app;
    }

    /** The app as it is now: the meters read this until the next update; slots are added and removed to match. */
    void update(AppInfo now) {
        info = now;
        List<Integer> present = now.instances().stream().map(AppInfo.InstanceInfo::instance).toList();
        slots.entrySet().removeIf(e -> {
            if (!present.contains(e.getKey())) {
                e.getValue().forEach(registry::remove);
                registry.remove(states.remove(e.getKey()));
                return true;
            }
            return false;
        });
        for (AppInfo.InstanceInfo i : now.instances()) {
            slots.computeIfAbsent(i.instance(), this::slotMeters);
            Meter state = states.get(i.instance());
            if (state == null || !i.status().equals(state.getId().getTag("state"))) {
                // one series per slot, tagged with its status (as ClusterMetrics does), moved when the status changes
                if (state != null) {
                    registry.remove(state);
                }
                String status = i.status();
                int slot = i.instance();
                states.put(slot, Gauge.builder("brigade.worker.state", this, m -> status.equals(m.status(slot)) ? 1 : 0)
                        .tags(tags.and("instance", Integer.toString(slot)).and("state", status))
                        .description("1 while the slot is in the state of its tag").register(registry));
            }
        }
    }

    void remove() {
        meters.forEach(registry::remove);
        slots.values().forEach(l -> l.forEach(registry::remove));
        states.values().forEach(registry::remove);
        meters.clear();
        slots.clear();
        states.clear();
    }

    private List<Meter> slotMeters(int slot) {
        Tags t = tags.and("instance", Integer.toString(slot));
        List<Meter> out = new ArrayList<>();
        out.add(Gauge.builder("brigade.worker.pid", this, m -> m.field(slot, i -> i.pid())).tags(t)
                .description("the process id of the slot's worker, 0 when none runs").register(registry));
        out.add(Gauge.builder("brigade.worker.uptime", this, m -> m.field(slot, i -> i.uptimeMs() / 1000.0)).tags(t)
                .baseUnit("seconds").description("since the slot's worker was started").register(registry));
        out.add(FunctionCounter.builder("brigade.worker.cpu", this, m -> m.sample(slot, ProcSample::cpuSeconds)).tags(t)
                .baseUnit("seconds").description("CPU time of the slot's worker (starts again with each worker)").register(registry));
        out.add(Gauge.builder("brigade.worker.memory.resident", this, m -> m.sample(slot, s -> s.rssBytes())).tags(t)
                .baseUnit("bytes").description("resident memory (RSS) of the slot's worker").register(registry));
        if (ProcSample.pssAvailable()) {
            out.add(Gauge.builder("brigade.worker.memory.proportional", this, m -> m.sample(slot, s -> s.pssBytes())).tags(t)
                    .baseUnit("bytes").description("proportional memory (PSS) of the slot's worker").register(registry));
        }
        return out;
    }

    private AppInfo.InstanceInfo slot(int slot) {
        for (AppInfo.InstanceInfo i : info.instances()) {
            if (i.instance() == slot) {
                return i;
            }
        }
        return null;
    }

    private double field(int slot, ToDoubleFunction<AppInfo.InstanceInfo> f) {
        AppInfo.InstanceInfo i = slot(slot);
        return i == null ? 0 : f.applyAsDouble(i);
    }

    private String status(int slot) {
        AppInfo.InstanceInfo i = slot(slot);
        return i == null ? "" : i.status();
    }

    private double sample(int slot, ToDoubleFunction<ProcSample> f) {
        AppInfo.InstanceInfo i = slot(slot);
        ProcSample s = i == null || i.pid() <= 0 ? null : ProcSample.of(i.pid());
        return s == null ? 0 : Math.max(0, f.applyAsDouble(s));
    }

    private double count(String state) {
        return info.instances().stream().filter(i -> i.status().equals(state)).count();
    }
}
