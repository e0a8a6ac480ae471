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
 * {@link Instance} with its own process, restarts and log file ({@code logs/NAME-I.log}).
 * Used by the daemon, and by {@code brigade run} in the foreground.
 */
final class App {
    final int id;
    final ScheduledExecutorService timer;
    private final LogSettings logs;
    private volatile AppSpec spec;
    private final List<Instance> instances = new ArrayList<>(); // guarded by this
    private final List<Consumer<Response.LogLine>> followers = new CopyOnWriteArrayList<>();

    /** Where and how instance logs are written. */
    record LogSettings(Path dir, long maxBytes, int retain) {
    }

    App(int id, AppSpec spec, ScheduledExecutorService timer, LogSettings logs) {
        this.id = id;
        this.spec = spec;
        this.timer = timer;
        this.logs = logs;
    }

    AppSpec spec() {
        return spec;
    }

    synchronized List<Instance> instances() {
        return List.copyOf(instances);
    }

    /** Starts every instance that does not run, creating the missing slots. */
    synchronized void start() {
        while (instances.size() < spec.instances()) {
            int i = instances.size();
            instances.add(new Instance(this, i, new LogFile(logs.dir().resolve(spec.name() + "-" + i + ".log"),
                    logs.maxBytes(), logs.retain())));
        }
        instances.forEach(Instance::start);
    }

    CompletableFuture<Void> stop() {
        return CompletableFuture.allOf(instances().stream().map(Instance::stop).toArray(CompletableFuture[]::new));
    }

    CompletableFuture<Void> restart() {
        start(); // slots that were never started, or errored/stopped ones, start now; the others restart
        return CompletableFuture.allOf(instances().stream().map(Instance::restart).toArray(CompletableFuture[]::new));
    }

    /** Rolling restart: one instance at a time, each back online before the next goes. */
    void reload() {
        for (Instance i : instances()) {
            i.restart().join();
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

    AppInfo info() {
        List<AppInfo.InstanceInfo> list = instances().stream().map(Instance::info).toList();
        String logError = instances().stream().map(i -> i.log.error()).filter(e -> e != null).findFirst().orElse(null);
        return new AppInfo(id, spec.name(), "fork", spec, list, logs.dir().toString(), logError);
    }
}
