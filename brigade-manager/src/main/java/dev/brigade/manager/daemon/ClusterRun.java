package dev.brigade.manager.daemon;

import dev.brigade.cluster.Cluster;
import dev.brigade.cluster.ClusterEvent;
import dev.brigade.cluster.ClusterMetrics;
import dev.brigade.cluster.ClusterWorker;
import dev.brigade.cluster.OutputLine;
import dev.brigade.cluster.WorkerState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/*
 * Cluster mode: a Java app with a declared port runs as a Brigade Cluster whose primary lives in
 * the daemon's JVM, one per app.
 *
 * Why in the daemon and not a small primary process per app: the primary's work is small (it holds
 * the listening socket, spawns, reaps, answers heartbeats, relays output), and the daemon already
 * does all of it for fork mode; a process per app would cost a JVM (~40 MB) per app, a second
 * control protocol between daemon and primary, and a second supervisor of the supervisor. What
 * isolation would buy is survival of the workers when the daemon dies; but a worker exits when its
 * primary's IPC channel closes (the cluster's rule: never orphans), so the apps stop with the
 * daemon, as they do with PM2's God process, and `brigade resurrect` brings them back. The listening
 * socket is held by the daemon from `start` to `stop`, so no reload ever unbinds the port.
 *
 * Each instance slot keeps an Instance of the fork-mode kind, never started, as its log holder:
 * worker output goes to logs/NAME-I.log and its in-memory tail exactly as in fork mode, so logs,
 * flush and rotation are shared. What `ls` shows comes from the cluster's live workers: the newest
 * worker of each slot (during a reload the new one, once it has replaced the old).
 */
/** The cluster behind a cluster-mode {@link App}; survives stop/start (a new {@link Cluster} each time). */
final class ClusterRun {
    private final App app;
    private Cluster cluster; // guarded by this; null while stopped
    private volatile ClusterMetrics metrics; // the running cluster's (restarts by cause, reloads); null while stopped
    private final Map<Integer, SlotState> slots = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> workerSlot = new ConcurrentHashMap<>(); // worker id -> instance slot
    private final Map<Integer, Long> forkedAt = new ConcurrentHashMap<>();     // worker id -> nanoTime
    private final Map<Long, long[]> samples = new ConcurrentHashMap<>();       // pid -> {cpu ticks, rss, cpu% x100}
    private volatile List<Integer> ports = List.of();
    private final LayoutAhead ahead = new LayoutAhead();

    /**
     * What a slot remembers across its workers. A restart is a worker forked into a slot whose
     * previous worker is gone (a crash, a hang, the memory limit, a stop then start); a worker forked
     * while the slot's worker still runs replaces it as planned (a reload) and is not one, nor is
     * the first worker of a slot (start, scale up).
     */
    private static final class SlotState {
        final java.util.Set<Integer> live = ConcurrentHashMap.newKeySet(); // forked, not exited
        volatile boolean forkedBefore;
        volatile int restarts;
        volatile String lastExit;
        volatile boolean errored;
        volatile int crashes;        // workers that exited without being asked to (not after a disconnect)
        volatile int boundElsewhere; // a port its current worker bound that was not declared (the agent's warning); 0 if none
    }

    /** The agent's warning when a worker binds a port that was not declared (ListenContract.reusePortWarning). */
    private static final java.util.regex.Pattern UNDECLARED = java.util.regex.Pattern.compile("^brigade-agent: WARNING port (\\d+) ");

    ClusterRun(App app) {
        this.app = app;
    }

    synchronized boolean running() {
        return cluster != null;
    }

    List<Integer> ports() {
        return ports;
    }

    /** Live workers listening on the declared ports (online ones when none is declared); 0 while stopped. */
    int serving() {
        Cluster c;
        synchronized (this) {
            c = cluster;
        }
        if (c == null) {
            return 0;
        }
        WorkerState ready = ports.isEmpty() ? WorkerState.ONLINE : WorkerState.LISTENING;
        return (int) c.workers().stream().filter(w -> w.state() == ready).count();
    }

    /** The running cluster's metrics, or null while stopped. */
    ClusterMetrics metrics() {
        return metrics;
    }

    /** Binds the port and forks the workers; fails (binding nothing) if the port is in use. */
    synchronized void open() {
        if (cluster != null) {
            return;
        }
        AppSpec spec = app.spec();
        slots.values().forEach(s -> s.errored = false);
        Cluster c;
        try {
            c = Cluster.create(WorkerSettings.of(spec, this::runnable, this::output));
        } catch (RuntimeException e) {
            String why = rootMessage(e);
            if (why.toLowerCase().contains("in use")) {
                throw new IllegalStateException("app " + spec.name() + ": port " + spec.port()
                        + " is already in use" + PortHolder.describe(spec.port()) + " (" + why + "); stop whatever listens on it, or choose another --port");
            }
            throw new IllegalStateException("app " + spec.name() + ": cannot start its cluster: " + why, e);
        }
        ports = c.ports();
        c.on(this::event);
        metrics = new ClusterMetrics(c, io.micrometer.core.instrument.Tags.of("app", spec.name())); // before fork: every event counts
        cluster = c;
        c.fork(spec.instances());
    }

    /** Drains and stops every worker and frees the port; completes once all exited. */
    CompletableFuture<Void> close() {
        Cluster c;
        ClusterMetrics m;
        synchronized (this) {
            c = cluster;
            cluster = null;
            m = metrics;
            metrics = null;
        }
        if (m != null) {
            m.close(); // its meters go: a stopped app has no workers to report
        }
        if (c == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("brigade-stop-" + app.spec().name()).start(() -> {
            try {
                c.close();
            } finally {
                samples.clear();
                done.complete(null);
            }
        });
        return done;
    }

    /**
     * The jar the workers run: for a Spring Boot jar, the launcher of its extracted layout, whose path stays the
     * same across versions (a reload rewrites it, or the daemon ahead of the reload: LayoutAhead; new workers then start
     * the new version).
     */
    private Path runnable(String jar) {
        ahead.made(jar);
        return Archives.runnableJar(Path.of(jar), text -> note(app.logHolder(0), text));
    }

    /** The class-data archive of the workers, as {@code describe} shows it. */
    String archive() {
        return described("class-data archive: ");
    }

    /** The standby worker (ClusterSettings.standby), as {@code describe} shows it. */
    String standby() {
        return described("standby worker: ");
    }

    private String described(String label) {
        Cluster c;
        synchronized (this) {
            c = cluster;
        }
        if (c == null) {
            return "- (stopped)";
        }
        String d = c.describe();
        int at = d.indexOf(label);
        return at < 0 ? "-" : d.substring(at + label.length()).lines().findFirst().orElse("-");
    }

    /** Zero-downtime rolling reload (starts the cluster if it is stopped). */
    void reload() {
        Cluster c;
        synchronized (this) {
            c = cluster;
        }
        if (c == null) {
            open();
            return;
        }
        replace(c, 1, false);
    }

    /**
     * {@code restart} of a running cluster whose every slot serves: all workers replaced at once, the new ones started
     * before the old ones stop (as a reload does, on the socket the daemon keeps bound), so the app answers again
     * without waiting for a drain or an unbind; a new worker that fails to start leaves the old ones serving. False,
     * doing nothing, when the cluster is stopped or a slot does not serve: the caller stops and starts it then.
     */
    boolean restartInPlace() {
        Cluster c;
        synchronized (this) {
            c = cluster;
        }
        int n = app.spec().instances();
        if (c == null || serving() < n || c.workers().size() != n) {
            return false;
        }
        replace(c, n, true);
        slots.forEach((slot, st) -> st.restarts += slot < n ? 1 : 0); // a restart counts, as PM2's does
        return true;
    }

    /** Replaces every worker, {@code batch} at a time (a reload: 1; a restart: all, not timed as a reload). */
    private void replace(Cluster c, int batch, boolean restart) {
        AppSpec spec = app.spec();
        if (spec.java() != null && spec.java().jar() != null) {
            runnable(spec.java().jar()); // a new version of a Spring Boot jar: its layout, for the new workers
        }
        try {
            long limitMs = spec.instances() * (spec.listenTimeoutMs() + spec.killTimeoutMs() + 10_000);
            ClusterMetrics m = metrics;
            (m == null || restart ? c.reload(batch) : m.timeReload(c.reload(batch))).get(limitMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("app " + spec.name() + ": " + rootMessage(e));
        } catch (TimeoutException e) {
            throw new IllegalStateException("app " + spec.name() + ": " + (restart ? "restart" : "reload") + " did not finish in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    void scale(int n) {
        Cluster c;
        synchronized (this) {
            c = cluster;
        }
        slots.keySet().removeIf(slot -> slot >= n); // a slot added again later starts with no restarts of its own
        if (c != null) {
            c.scale(n);
        }
    }

    /** Every second: CPU and resident memory of the live workers. */
    void sample(double seconds) {
        Cluster c;
        synchronized (this) {
            c = cluster;
        }
        if (c == null) {
            return;
        }
        AppSpec.JavaEntry entry = app.spec().java();
        if (entry != null && entry.jar() != null) {
            ahead.sample(Path.of(entry.jar()), app.spec().name());
        }
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (ClusterWorker w : c.workers()) {
            long pid = w.pid();
            ProcStats s = pid <= 0 ? null : ProcStats.of(pid);
            if (s == null) {
                continue;
            }
            seen.add(pid);
            long[] prev = samples.get(pid);
            long cpu = prev == null ? 0 : Math.round(10_000.0 * (s.cpuTicks() - prev[0]) / ProcStats.TICKS_PER_SECOND / seconds);
            samples.put(pid, new long[] {s.cpuTicks(), s.rssBytes(), cpu});
        }
        samples.keySet().retainAll(seen);
    }

    /** One row per slot 0..instances-1. */
    List<AppInfo.InstanceInfo> info(List<Instance> logs) {
        Cluster c;
        synchronized (this) {
            c = cluster;
        }
        List<ClusterWorker> live = c == null ? List.of() : c.workers();
        List<AppInfo.InstanceInfo> out = new ArrayList<>();
        for (Instance holder : logs) {
            int slot = holder.index;
            SlotState st = slots.computeIfAbsent(slot, k -> new SlotState());
            ClusterWorker w = live.stream().filter(x -> x.instance() == slot && !x.state().isTerminal())
                    .max(Comparator.comparingInt((ClusterWorker x) -> x.state() == WorkerState.DISCONNECTING ? 0 : 1)
                            .thenComparingInt(ClusterWorker::id)).orElse(null);
            String status;
            long pid = 0;
            long uptime = 0;
            double cpu = 0;
            long mem = 0;
            String problem = null;
            if (w != null) {
                status = w.state().name().toLowerCase();
                if (st.boundElsewhere > 0 && w.state() != WorkerState.LISTENING) {
                    status = "wrong-port";
                    problem = "bound " + st.boundElsewhere + ", not the declared port " + (ports.isEmpty() ? app.spec().port() : ports.get(0))
                            + " (the app ignores PORT and SERVER_PORT: make it read one, or declare --port " + st.boundElsewhere + ")";
                }
                pid = w.pid();
                Long t0 = forkedAt.get(w.id());
                uptime = t0 == null ? 0 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                long[] s = samples.get(pid);
                if (s != null) {
                    mem = s[1];
                    cpu = s[2] / 100.0;
                }
            } else if (st.errored) {
                status = Status.ERRORED.label();
            } else {
                status = c == null ? Status.STOPPED.label() : Status.WAITING_RESTART.label();
            }
            out.add(new AppInfo.InstanceInfo(slot, pid, status, uptime, st.restarts, cpu, mem,
                    st.lastExit, holder.log.path().toString(), holder.lastLines(), problem, st.crashes));
        }
        return out;
    }

    private void output(OutputLine line) {
        Integer slot = workerSlot.get(line.workerId());
        if (slot == null) {
            Cluster c;
            synchronized (this) {
                c = cluster;
            }
            slot = c == null ? null : c.worker(line.workerId()).map(ClusterWorker::instance).orElse(null);
        }
        Instance holder = app.logHolder(slot == null ? 0 : slot);
        java.util.regex.Matcher m = line.stderr() ? UNDECLARED.matcher(line.text()) : null;
        if (m != null && m.find()) {
            slots.computeIfAbsent(slot == null ? 0 : slot, k -> new SlotState()).boundElsewhere = Integer.parseInt(m.group(1));
        }
        if (holder != null) {
            holder.line(line.stderr(), line.text());
        }
    }

    private void event(ClusterEvent e) {
        ClusterWorker w = e.worker();
        int slot = w.instance();
        if (slot >= app.spec().instances() && !(e instanceof ClusterEvent.Fork)) {
            return; // a worker of a slot that scale removed, leaving: the slot keeps no state for a later grow
        }
        SlotState st = slots.computeIfAbsent(slot, k -> new SlotState());
        Instance holder = app.logHolder(slot);
        switch (e) {
            case ClusterEvent.Fork f -> {
                workerSlot.put(w.id(), slot);
                forkedAt.put(w.id(), System.nanoTime());
                if (st.forkedBefore && st.live.isEmpty()) {
                    st.restarts++;
                }
                st.forkedBefore = true;
                st.live.add(w.id());
                st.errored = false;
                st.boundElsewhere = 0;
            }
            case ClusterEvent.Listening l -> note(holder, "[brigade] worker " + w.id() + " (pid " + w.pid() + ") listening on " + l.host() + ":" + l.port());
            case ClusterEvent.Exit x -> {
                st.live.remove(w.id());
                st.lastExit = x.status().toString();
                if (!x.exitedAfterDisconnect()) {
                    st.crashes++;
                    note(holder, "[brigade] worker " + w.id() + " (pid " + w.pid() + ") died: " + x.status());
                }
                int id = w.id();
                app.timer.schedule(() -> {
                    workerSlot.remove(id);
                    forkedAt.remove(id);
                }, 5, TimeUnit.SECONDS);
            }
            case ClusterEvent.Error err -> {
                if (w.state() == WorkerState.ERRORED) {
                    st.errored = true;
                }
                note(holder, "[brigade] " + err.error().getMessage());
                if (st.errored && allErrored()) {
                    // nobody will serve the port: release it, so that connections are refused instead of queued
                    // forever; restart binds it again
                    note(holder, "[brigade] every worker is errored: port " + ports + " released (connections are refused) until a restart");
                    close();
                }
            }
            default -> { }
        }
    }

    private boolean allErrored() {
        for (int i = 0; i < app.spec().instances(); i++) {
            SlotState s = slots.get(i);
            if (s == null || !s.errored) {
                return false;
            }
        }
        return true;
    }

    private static void note(Instance holder, String text) {
        if (holder != null) {
            holder.line(true, text);
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return String.valueOf(c.getMessage());
    }
}
