package dev.brigade.cluster;

import dev.brigade.cluster.internal.Primary;
import dev.brigade.cluster.internal.Requests;
import dev.brigade.cluster.internal.WorkerRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * Node's {@code cluster} for the JVM: one program is both the primary, which forks worker JVMs,
 * watches, messages and restarts them, and the workers.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *     Cluster cluster = Cluster.create(ClusterSettings.builder().instances(2).build());
 *     if (cluster.isPrimary()) {
 *         cluster.on(ClusterEvent.Exit.class, e -> System.out.println(e.worker() + " exited: " + e.status()));
 *         cluster.fork();
 *     } else {
 *         WorkerProcess self = cluster.self();
 *         self.onRequest(msg -> "pong from " + self.id());
 *         startServer();
 *     }
 * }
 * }</pre>
 *
 * <p>Whether this process is the primary or a worker is decided by its environment (a primary
 * gives each worker {@code BRIGADE_WORKER_ID} and the IPC path). A {@code Cluster} is an
 * ordinary instance: a program or a test may run several primaries side by side. Closing the
 * primary drains and stops every worker; primary-only methods throw
 * {@link IllegalStateException} in a worker and the other way round.
 */
public final class Cluster implements AutoCloseable {
    private final ClusterSettings settings;
    private final Primary primary;
    private final WorkerRuntime self;

    private Cluster(ClusterSettings settings, Primary primary, WorkerRuntime self) {
        this.settings = settings;
        this.primary = primary;
        this.self = self;
        if (primary != null && settings.shutdownHook()) {
            ShutdownHook.register(this);
        }
    }

    /** A cluster with {@link ClusterSettings#defaults()}. */
    public static Cluster create() {
        return create(ClusterSettings.defaults());
    }

    /**
     * The primary, if this process was not started by a Brigade primary, else this worker's connection to its
     * primary (made now unless Brigade's launcher already made it).
     */
    public static Cluster create(ClusterSettings settings) {
        if (WorkerRuntime.isWorkerProcess()) {
            return new Cluster(settings, null, WorkerRuntime.connect(settings.codec()));
        }
        try {
            return new Cluster(settings, new Primary(settings), null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the cluster's IPC socket: " + e.getMessage(), e);
        }
    }

    public boolean isPrimary() {
        return primary != null;
    }

    public boolean isWorker() {
        return self != null;
    }

    public ClusterSettings settings() {
        return settings;
    }

    /** Starts {@link ClusterSettings#instances()} workers. */
    public List<ClusterWorker> fork() {
        return fork(settings.instances());
    }

    /** Starts {@code n} more workers, each in the lowest free instance slot. */
    public List<ClusterWorker> fork(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("fork(n): n must be >= 0, got " + n);
        }
        return primary().fork(n);
    }

    /** The live workers (not yet exited), by id. */
    public List<ClusterWorker> workers() {
        return primary().workers();
    }

    /** The live worker with this id. */
    public Optional<ClusterWorker> worker(int id) {
        return workers().stream().filter(w -> w.id() == id).findFirst();
    }

    /** Sends a message to every live worker (those still starting get it once online). */
    public void broadcast(Object message) {
        for (ClusterWorker w : workers()) {
            try {
                w.send(message);
            } catch (ClusterException e) {
                // it disconnected meanwhile: broadcast reaches the workers that are there
            }
        }
    }

    /** Listens to every event; close the returned handle to stop. */
    public AutoCloseable on(Consumer<ClusterEvent> listener) {
        return primary().subscribe(listener);
    }

    /** Listens to one kind of event, e.g. {@code on(ClusterEvent.Exit.class, e -> ...)}. */
    public <E extends ClusterEvent> AutoCloseable on(Class<E> type, Consumer<? super E> listener) {
        return primary().subscribe(e -> {
            if (type.isInstance(e)) {
                listener.accept(type.cast(e));
            }
        });
    }

    /** Answers workers' {@link WorkerProcess#request}s: return the reply or a {@code CompletableFuture} of it. */
    public void onRequest(BiFunction<ClusterWorker, Object, Object> handler) {
        primary().onRequest(handler);
    }

    /**
     * Offers a named service to the workers, beside {@link #onRequest}: a worker calls it with
     * {@link #callService}. Brigade's own features use it (the embedded SharedStore lives in the
     * primary this way), so several can share one cluster without taking the app's request handler.
     */
    public void service(String name, BiFunction<ClusterWorker, Object, Object> handler) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("service name must be a non-blank string, got " + name);
        }
        primary().service(name, handler);
    }

    /**
     * Worker: calls the primary's service {@code name} with {@code body} (encoded with the
     * cluster's codec) and completes with its answer, or fails after {@code timeout}.
     */
    public CompletableFuture<Object> callService(String name, Object body, Duration timeout) {
        java.util.Map<String, Object> envelope = new java.util.HashMap<>();
        envelope.put(Requests.SERVICE_KEY, name);
        envelope.put(Requests.SERVICE_BODY, body);
        return self().request(envelope, timeout);
    }

    /** This worker's side of the cluster. */
    public WorkerProcess self() {
        if (self == null) {
            throw new IllegalStateException("self() is only available in a worker; this process is the primary");
        }
        return self;
    }

    /**
     * The ports the workers serve, as the primary bound them (a declared port 0 shows the port the
     * kernel picked), in declaration order; empty when none is declared.
     */
    public List<Integer> ports() {
        return primary().ports();
    }

    /**
     * Zero-downtime rolling reload, one worker at a time: see {@link #reload(int)}.
     *
     * @return a future of the number of workers replaced; it fails with
     *         {@link ClusterException.Code#RELOAD_ABORTED} if a new worker does not start (the old ones keep serving)
     */
    public CompletableFuture<Integer> reload() {
        return reload(1);
    }

    /**
     * Replaces every worker, {@code batch} at a time: a new worker is started, and only once it
     * listens on the declared ports (or is online, when none is declared) is the old one
     * disconnected: it stops taking connections from the shared sockets at once, before its app
     * is told anything, even for an unmodified server (the shared socket keeps every queued
     * connection for the others); it waits, at most the drain timeout (half the kill timeout, at
     * most 2 s), for the connections it accepted to be closed; then its disconnect handlers and
     * the app's shutdown hooks run and it exits, or is killed after the kill timeout. Keep-alive
     * connections still open at the end of the drain are the app's shutdown's to close. A new app
     * version (a new jar at the same path) is picked up the same way.
     */
    public CompletableFuture<Integer> reload(int batch) {
        Primary p = primary();
        CompletableFuture<Integer> done = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("brigade-reload").start(() -> {
            try {
                done.complete(p.reload(batch));
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        return done;
    }

    /**
     * Grows or shrinks to {@code n} workers; shrinking drains the workers of the highest instance
     * slots like a reload drains old workers. Returns once the leaving workers have exited.
     */
    public void scale(int n) {
        primary().scale(n);
    }

    /** The full worker command line (profile flags included) and the class-data archive's state. */
    public String describe() {
        return primary().describe();
    }

    /** Lines of worker output dropped because the output consumer was slower than the workers. */
    public long droppedOutputLines() {
        return primary().droppedOutputLines();
    }

    /** Primary: drains and stops every worker (SIGKILL after the kill timeout) and frees the IPC socket. */
    @Override
    public void close() {
        if (primary != null) {
            ShutdownHook.unregister(this);
            primary.shutdown();
        }
    }

    void shutdownFromHook() {
        primary.shutdown();
    }

    Primary primary() {
        if (primary == null) {
            throw new IllegalStateException("this is only available in the primary; this process is worker " + self.id());
        }
        return primary;
    }
}
