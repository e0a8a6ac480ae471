package dev.brigade.manager.daemon;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * An app in fork mode: {@code spec.instances()} independent copies of one command, each an
 * {@link Instance} with its own process, restarts and log file ({@code logs/NAME-I.log}); or in
 * cluster mode ({@link AppSpec#clustered()}): a {@link ClusterRun} whose workers share the app's
 * port, each slot's output going to the log of an {@link Instance} that is never started.
 * Used by the daemon, and by {@code brigade run} in the foreground.
 */
final class App {
    final int id;
    final ScheduledExecutorService timer;
    private final LogSettings logs;
    private volatile AppSpec spec;
    private final List<Instance> instances = new ArrayList<>(); // guarded by this
    private final List<Consumer<Response.LogLine>> followers = new CopyOnWriteArrayList<>();
    private final ClusterRun cluster; // null in fork mode
    /** Told every process group an instance spawns and reaps (set by {@link Apps} before start). */
    volatile OrphanGuard guard = OrphanGuard.NONE;
    /** Fork mode's counts for the metrics (cluster mode: {@link #clusterMetrics()}). */
    final Tally tally = new Tally();
    /** Fork mode: the command line of each instance, with the app's class-data archive. */
    final Archives.ForkLaunch launcher = new Archives.ForkLaunch();

    /** Where and how instance logs are written. */
    record LogSettings(Path dir, long maxBytes, int retain) {
    }

    App(int id, AppSpec spec, ScheduledExecutorService timer, LogSettings logs) {
        this.id = id;
        this.spec = spec;
        this.timer = timer;
        this.logs = logs;
        this.cluster = spec.clustered() ? new ClusterRun(this) : null;
    }

    boolean clustered() {
        return cluster != null;
    }

    /** Cluster mode: the running cluster's metrics, else null. */
    dev.brigade.cluster.ClusterMetrics clusterMetrics() {
        return cluster == null ? null : cluster.metrics();
    }

    /** Cluster mode: the log holder of slot {@code index}, or null. */
    synchronized Instance logHolder(int index) {
        return index >= 0 && index < instances.size() ? instances.get(index) : null;
    }

    private synchronized void ensureSlots() {
        while (instances.size() < spec.instances()) {
            int i = instances.size();
            instances.add(new Instance(this, i, new LogFile(logs.dir().resolve(spec.name() + "-" + i + ".log"),
                    logs.maxBytes(), logs.retain())));
        }
    }

    /** Every second, from the timer: CPU and memory, and fork mode's memory limit (the cluster checks its own). */
    void sample(double seconds) {
        if (cluster != null) {
            cluster.sample(seconds);
            return;
        }
        for (Instance i : instances()) {
            i.sample(seconds);
            i.checkMemory(spec.maxMemoryBytes());
        }
    }

    AppSpec spec() {
        return spec;
    }

    synchronized List<Instance> instances() {
        return List.copyOf(instances);
    }

    /** Starts every instance that does not run, creating the missing slots. */
    void start() {
        ensureSlots();
        if (cluster != null) {
            cluster.open();
            return;
        }
        instances().forEach(Instance::start);
    }

    CompletableFuture<Void> stop() {
        if (cluster != null) {
            return cluster.close();
        }
        return CompletableFuture.allOf(instances().stream().map(Instance::stop).toArray(CompletableFuture[]::new));
    }

    CompletableFuture<Void> restart() {
        if (cluster != null) {
            if (cluster.restartInPlace()) { // the new workers first, on the bound socket (ClusterRun#restartInPlace)
                return CompletableFuture.completedFuture(null);
            }
            return cluster.close().thenRun(this::start);
        }
        start(); // slots that were never started, or errored/stopped ones, start now; the others restart
        return CompletableFuture.allOf(instances().stream().map(Instance::restart).toArray(CompletableFuture[]::new));
    }

    /** Rolling restart: one instance at a time, each back online before the next goes. */
    void reload() {
        if (cluster != null) {
            cluster.reload();
            return;
        }
        long start = System.nanoTime();
        try {
            for (Instance i : instances()) {
                i.restart().join();
                tally.reloadRestarts.incrementAndGet();
            }
        } catch (RuntimeException e) {
            tally.reloadFailures.incrementAndGet();
            throw e;
        } finally {
            tally.reloadNanos.addAndGet(System.nanoTime() - start);
            tally.reloads.incrementAndGet();
        }
    }

    /** Grows (new slots start) or shrinks (the highest slots stop and go) to {@code n} instances. */
    void scale(int n) {
        List<Instance> leaving;
        synchronized (this) {
            spec = spec.withInstances(n);
            leaving = new ArrayList<>(instances.subList(Math.min(n, instances.size()), instances.size()));
            instances.removeAll(leaving);
        }
        if (cluster != null) {
            ensureSlots();
            cluster.scale(n);
            leaving.forEach(i -> i.log.close());
            return;
        }
        CompletableFuture.allOf(leaving.stream().map(Instance::stop).toArray(CompletableFuture[]::new)).join();
        leaving.forEach(i -> i.log.close());
        start();
    }

    void flush() {
        instances().forEach(i -> i.log.flush());
    }

    void closeLogs() {
        instances().forEach(i -> i.log.close());
    }

    /** Streams every new line to {@code follower} until the returned handle is run. */
    Runnable follow(Consumer<Response.LogLine> follower) {
        followers.add(follower);
        return () -> followers.remove(follower);
    }

    void publish(Response.LogLine line) {
        for (Consumer<Response.LogLine> f : followers) {
            f.accept(line);
        }
    }

    /** Workers serving now: cluster mode, listening (old and new alike during a reload); fork mode, up past the min uptime. */
    int serving() {
        if (cluster != null) {
            return cluster.serving();
        }
        long min = spec.minUptimeMs();
        return (int) instances().stream().map(Instance::info)
                .filter(i -> i.status().equals(Status.ONLINE.label()) && i.uptimeMs() >= min).count();
    }

    AppInfo info() {
        List<Instance> slots = instances();
        List<AppInfo.InstanceInfo> list = cluster != null ? cluster.info(slots) : slots.stream().map(Instance::info).toList();
        String logError = slots.stream().map(i -> i.log.error()).filter(e -> e != null).findFirst().orElse(null);
        return new AppInfo(id, spec.name(), cluster != null ? AppSpec.CLUSTER : AppSpec.FORK, spec, list,
                logs.dir().toString(), logError, cluster != null ? cluster.ports() : List.of(),
                cluster != null ? cluster.archive() : launcher.describe(spec), cluster != null ? cluster.standby() : null);
    }
}
