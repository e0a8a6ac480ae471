package dev.brigade.cluster;

import dev.brigade.cluster.internal.ProcSample;
import dev.brigade.cluster.internal.TcpConnections;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/**
 * Exports a cluster's figures to Micrometer, beside the pool's {@code PoolMetrics}. Micrometer is
 * an optional dependency: only this class needs it, so a cluster works without it on the class
 * path.
 *
 * <pre>{@code
 * ClusterMetrics metrics = new ClusterMetrics(cluster, "web");
 * metrics.bindTo(registry);
 * metrics.timeReload(cluster.reload()); // a reload counted and timed
 * }</pre>
 *
 * <p>Meters, all tagged with the given tags ({@code cluster=NAME} by default):
 * <ul>
 *   <li>{@code brigade.workers} (gauge, tag {@code state}: starting, online, listening,
 *       disconnecting): the live workers in each state;</li>
 *   <li>{@code brigade.restarts} (counter, tag {@code cause}): workers replaced because one
 *       {@code crash}ed (died on its own, restarted), {@code hang} (missed its heartbeats),
 *       {@code memory} (over the memory limit) or a {@code reload} (rolling reloads timed here);</li>
 *   <li>{@code brigade.boot.failures} (counter): workers that could not start;</li>
 *   <li>{@code brigade.reload} (timer: count and total time of the reloads given to
 *       {@link #timeReload}), {@code brigade.reload.failures} (counter: those aborted);</li>
 *   <li>{@code brigade.output.lines.dropped} (counter): worker output lines dropped because the
 *       output consumer was slower than the workers;</li>
 *   <li>{@code brigade.connections} (gauge): established TCP connections on the declared ports;</li>
 *   <li>per instance slot (tag {@code instance}), about the slot's current worker:
 *       {@code brigade.worker.pid}, {@code brigade.worker.uptime} (seconds),
 *       {@code brigade.worker.cpu} (counter, seconds), {@code brigade.worker.memory.resident} and,
 *       where the kernel has {@code smaps_rollup}, {@code brigade.worker.memory.proportional}
 *       (bytes), and {@code brigade.worker.state} (tag {@code state}: starting, online, listening,
 *       disconnecting, waiting-restart or errored), one series per slot whose tag is the slot's state,
 *       moved at each event of the slot: 1 while the slot is in that state, 0 in the moment before
 *       the next event moves it.</li>
 * </ul>
 * Counting starts when this object is created. CPU and memory are read from {@code /proc} at most
 * once per second per worker, however many meters are read. {@link #close()} removes the meters
 * from every registry this was bound to.
 */
public final class ClusterMetrics implements MeterBinder, AutoCloseable {
    private static final List<WorkerState> LIVE = List.of(WorkerState.STARTING, WorkerState.ONLINE, WorkerState.LISTENING,
            WorkerState.DISCONNECTING);

    private final Cluster cluster;
    private final Tags tags;
    private final AutoCloseable subscription;
    private final Map<String, AtomicLong> restarts = Map.of("crash", new AtomicLong(), "hang", new AtomicLong(),
            "memory", new AtomicLong(), "reload", new AtomicLong());
    private final AtomicLong bootFailures = new AtomicLong();
    private final AtomicLong reloads = new AtomicLong();
    private final AtomicLong reloadNanos = new AtomicLong();
    private final AtomicLong reloadFailures = new AtomicLong();
    private final Set<Integer> hung = ConcurrentHashMap.newKeySet();          // ids of workers found hung
    private final Set<Integer> errored = ConcurrentHashMap.newKeySet();       // slots given up
    private final Map<Integer, Long> forkedAt = new ConcurrentHashMap<>();    // worker id -> nanoTime
    private final Set<Integer> slots = new TreeSet<>();                       // guarded by this; slots with meters
    private final Map<Integer, String> stateTags = new ConcurrentHashMap<>();  // slot -> its brigade.worker.state tag (written under this)
    private final List<MeterRegistry> registries = new ArrayList<>();         // guarded by this
    private final List<Map.Entry<MeterRegistry, Meter>> meters = new ArrayList<>(); // guarded by this
    private boolean closed;                                                   // guarded by this

    /**
     * Meters for {@code cluster}, tagged {@code cluster=name}; bind them with {@link #bindTo}.
     *
     * @param cluster the primary to watch
     * @param name    the {@code cluster} tag's value
     */
    public ClusterMetrics(Cluster cluster, String name) {
        this(cluster, Tags.of(Tag.of("cluster", name)));
    }

    /**
     * Meters for {@code cluster} with these tags (e.g. {@code app=NAME}); bind them with {@link #bindTo}.
     *
     * @param cluster the primary to watch
     * @param tags    tags every meter gets
     * @throws IllegalStateException in a worker
     */
    public ClusterMetrics(Cluster cluster, Iterable<Tag> tags) {
        if (!cluster.isPrimary()) {
            throw new IllegalStateException("ClusterMetrics watches a primary; this process is a worker");
        }
        this.cluster = cluster;
        this.tags = Tags.of(tags);
        cluster.workers().forEach(w -> forkedAt.putIfAbsent(w.id(), System.nanoTime()));
        this.subscription = cluster.on(this::event); // the cluster holds this object as long as it lives
    }

    /**
     * Counts and times a rolling reload: pass the future {@link Cluster#reload()} returned. Its
     * replaced workers count as restarts of cause {@code reload}; an aborted reload counts in
     * {@code brigade.reload.failures}.
     *
     * @param reload the reload's future
     * @return the same future
     */
    public CompletableFuture<Integer> timeReload(CompletableFuture<Integer> reload) {
        long start = System.nanoTime();
        reload.whenComplete((replaced, error) -> {
            reloadNanos.addAndGet(System.nanoTime() - start);
            reloads.incrementAndGet();
            if (error != null) {
                reloadFailures.incrementAndGet();
            } else {
                restarts.get("reload").addAndGet(replaced);
            }
        });
        return reload;
    }

    /**
     * How many workers were replaced for this cause since this object was created.
     *
     * @param cause {@code crash}, {@code hang}, {@code memory} or {@code reload}
     * @return the count
     * @throws IllegalArgumentException for another cause
     */
    public long restarts(String cause) {
        AtomicLong n = restarts.get(cause);
        if (n == null) {
            throw new IllegalArgumentException("cause must be one of crash, hang, memory, reload; got " + cause);
        }
        return n.get();
    }

    /**
     * How many workers could not start since this object was created.
     *
     * @return the count
     */
    public long bootFailures() {
        return bootFailures.get();
    }

    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        if (closed || registries.contains(registry)) {
            return;
        }
        registries.add(registry);
        for (WorkerState s : LIVE) {
            add(registry, Gauge.builder("brigade.workers", this, m -> m.count(s)).tags(tags.and("state", label(s)))
                    .description("live workers in this state").register(registry));
        }
        for (String cause : List.of("crash", "hang", "memory", "reload")) {
            AtomicLong n = restarts.get(cause);
            add(registry, FunctionCounter.builder("brigade.restarts", n, AtomicLong::get).tags(tags.and("cause", cause))
                    .description("workers replaced, by cause").register(registry));
        }
        add(registry, FunctionCounter.builder("brigade.boot.failures", bootFailures, AtomicLong::get).tags(tags)
                .description("workers that could not start").register(registry));
        add(registry, FunctionTimer.builder("brigade.reload", this, m -> m.reloads.get(), m -> m.reloadNanos.get(),
                TimeUnit.NANOSECONDS).tags(tags).description("rolling reloads").register(registry));
        add(registry, FunctionCounter.builder("brigade.reload.failures", reloadFailures, AtomicLong::get).tags(tags)
                .description("rolling reloads aborted (the old workers kept serving)").register(registry));
        add(registry, FunctionCounter.builder("brigade.output.lines.dropped", cluster, Cluster::droppedOutputLines).tags(tags)
                .description("worker output lines dropped: the output consumer was too slow").register(registry));
        add(registry, Gauge.builder("brigade.connections", cluster, c -> TcpConnections.established(c.ports())).tags(tags)
                .description("established TCP connections on the declared ports").register(registry));
        cluster.workers().forEach(w -> slots.add(w.instance()));
        for (int slot : slots) {
            slotMeters(registry, slot);
        }
    }

    /** Removes every meter this object registered, and stops counting. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            meters.forEach(e -> e.getKey().remove(e.getValue()));
            meters.clear();
        }
        try {
            subscription.close();
        } catch (Exception e) {
            // removing a listener does not fail
        }
    }

    private void event(ClusterEvent e) {
        ClusterWorker w = e.worker();
        switch (e) {
            case ClusterEvent.Fork f -> {
                forkedAt.put(w.id(), System.nanoTime());
                errored.remove(w.instance());
                addSlot(w.instance());
            }
            case ClusterEvent.Exit x -> {
                forkedAt.remove(w.id());
                boolean wasHung = hung.remove(w.id());
                if (w.state() == WorkerState.ERRORED) {
                    errored.add(w.instance());
                } else if (!x.exitedAfterDisconnect() && !wasHung) {
                    restarts.get("crash").incrementAndGet();
                }
                if (x.exitedAfterDisconnect() && worker(w.instance()) == null && w.state() != WorkerState.ERRORED) {
                    removeSlot(w.instance()); // scaled away or stopped; a replacement adds it again
                }
            }
            case ClusterEvent.Error err -> {
                switch (err.error().code()) {
                    case HUNG -> {
                        hung.add(w.id());
                        restarts.get("hang").incrementAndGet();
                    }
                    case MEMORY_LIMIT -> restarts.get("memory").incrementAndGet();
                    case BOOT_FAILED -> bootFailures.incrementAndGet();
                    default -> { }
                }
            }
            default -> { }
        }
        if (!(e instanceof ClusterEvent.Message)) { // messages are the app's traffic: they change no state
            moveState(w.instance());
        }
    }

    private synchronized void addSlot(int slot) {
        if (closed || !slots.add(slot)) {
            return;
        }
        registries.forEach(r -> slotMeters(r, slot));
    }

    private synchronized void removeSlot(int slot) {
        if (closed || !slots.remove(slot)) {
            return;
        }
        String instance = Integer.toString(slot);
        stateTags.remove(slot);
        meters.removeIf(e -> {
            if (instance.equals(e.getValue().getId().getTag("instance"))) {
                e.getKey().remove(e.getValue());
                return true;
            }
            return false;
        });
    }

    private void slotMeters(MeterRegistry r, int slot) {
        Tags t = tags.and("instance", Integer.toString(slot));
        add(r, Gauge.builder("brigade.worker.pid", this, m -> m.pid(slot)).tags(t)
                .description("the process id of the slot's worker, 0 when none runs").register(r));
        add(r, Gauge.builder("brigade.worker.uptime", this, m -> m.uptimeSeconds(slot)).tags(t).baseUnit("seconds")
                .description("since the slot's worker was started").register(r));
        add(r, FunctionCounter.builder("brigade.worker.cpu", this, m -> m.sample(slot, ProcSample::cpuSeconds)).tags(t)
                .baseUnit("seconds").description("CPU time of the slot's worker (starts again with each worker)").register(r));
        add(r, Gauge.builder("brigade.worker.memory.resident", this, m -> m.sample(slot, s -> s.rssBytes())).tags(t)
                .baseUnit("bytes").description("resident memory (RSS) of the slot's worker").register(r));
        if (ProcSample.pssAvailable()) {
            add(r, Gauge.builder("brigade.worker.memory.proportional", this, m -> m.sample(slot, s -> s.pssBytes())).tags(t)
                    .baseUnit("bytes").description("proportional memory (PSS) of the slot's worker").register(r));
        }
        String state = stateTags.computeIfAbsent(slot, this::slotState);
        add(r, stateGauge(r, slot, state));
    }

    /*
     * One series per slot for its state, not one per possible state (a 0/1 state set): the state set
     * was a third of the series of a daemon's scrape, and the scrape's cost grows with the series. The
     * tag moves with the slot's events; between a change and its event the series reads 0, never a
     * state the slot is not in.
     */
    private Meter stateGauge(MeterRegistry r, int slot, String state) {
        return Gauge.builder("brigade.worker.state", this, m -> state.equals(m.slotState(slot)) ? 1 : 0)
                .tags(tags.and("instance", Integer.toString(slot)).and("state", state))
                .description("1 while the slot is in the state of its tag").register(r);
    }

    /** Moves the slot's state series to the state it is in now, in every registry. */
    private synchronized void moveState(int slot) {
        String old = stateTags.get(slot);
        if (closed || old == null || !slots.contains(slot)) {
            return;
        }
        String now = slotState(slot);
        if (now.equals(old)) {
            return;
        }
        stateTags.put(slot, now);
        String instance = Integer.toString(slot);
        meters.removeIf(e -> {
            Meter.Id id = e.getValue().getId();
            if (id.getName().equals("brigade.worker.state") && instance.equals(id.getTag("instance"))) {
                e.getKey().remove(e.getValue());
                return true;
            }
            return false;
        });
        registries.forEach(r -> add(r, stateGauge(r, slot, now)));
    }

    private void add(MeterRegistry r, Meter m) {
        meters.add(Map.entry(r, m));
    }

    /** The slot's current worker: the newest live one, preferring one that is not leaving (during a reload). */
    private ClusterWorker worker(int slot) {
        return cluster.workers().stream().filter(w -> w.instance() == slot && !w.state().isTerminal())
                .max(Comparator.comparingInt((ClusterWorker w) -> w.state() == WorkerState.DISCONNECTING ? 0 : 1)
                        .thenComparingInt(ClusterWorker::id)).orElse(null);
    }

    private double count(WorkerState s) {
        return cluster.workers().stream().filter(w -> w.state() == s).count();
    }

    private double pid(int slot) {
        ClusterWorker w = worker(slot);
        return w == null ? 0 : w.pid();
    }

    private double uptimeSeconds(int slot) {
        ClusterWorker w = worker(slot);
        Long t0 = w == null ? null : forkedAt.get(w.id());
        return t0 == null ? 0 : (System.nanoTime() - t0) / 1e9;
    }

    private double sample(int slot, ToDoubleFunction<ProcSample> f) {
        ClusterWorker w = worker(slot);
        ProcSample s = w == null ? null : ProcSample.of(w.pid());
        return s == null ? 0 : Math.max(0, f.applyAsDouble(s));
    }

    private String slotState(int slot) {
        ClusterWorker w = worker(slot);
        if (w != null) {
            return label(w.state());
        }
        return errored.contains(slot) ? "errored" : "waiting-restart";
    }

    private static String label(WorkerState s) {
        return s.name().toLowerCase(java.util.Locale.ROOT);
    }
}
