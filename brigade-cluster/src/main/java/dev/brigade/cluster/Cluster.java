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

    /**
     * A cluster with {@link ClusterSettings#defaults()}.
     *
     * @return the primary, or this worker's side of the cluster
     */
    public static Cluster create() {
        return create(ClusterSettings.defaults());
    }

    /**
     * The primary, if this process was not started by a Brigade primary, else this worker's connection to its
     * primary (made now unless Brigade's launcher already made it).
     *
     * @param settings the primary's settings (a worker reads only its codec)
     * @return the primary, or this worker's side of the cluster
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

    /**
     * Whether this process is the primary (started by the user, not by a primary).
     *
     * @return true in the primary
     */
    public boolean isPrimary() {
        return primary != null;
    }

    /**
     * Whether this process is a worker started by a Brigade primary.
     *
     * @return true in a worker
     */
    public boolean isWorker() {
        return self != null;
    }

    /**
     * The settings this cluster was created with.
     *
     * @return the settings
     */
    public ClusterSettings settings() {
        return settings;
    }

    /**
     * Starts {@link ClusterSettings#instances()} workers.
     *
     * @return the new workers, still starting
     */
    public List<ClusterWorker> fork() {
        return fork(settings.instances());
    }

    /**
     * Starts {@code n} more workers, each in the lowest free instance slot.
     *
     * @param n how many, 0 or more
     * @return the new workers, still starting
     * @throws IllegalStateException if the cluster is closed, or in a worker
     * @throws ClusterException with code SPAWN_FAILED if a worker process cannot be started
     */
    public List<ClusterWorker> fork(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("fork(n): n must be >= 0, got " + n);
        }
        return primary().fork(n);
    }

    /**
     * The live workers (not yet exited), by id.
     *
     * @return the workers, ordered by id
     */
    public List<ClusterWorker> workers() {
        return primary().workers();
    }

    /**
     * The live worker with this id.
     *
     * @param id a worker id
     * @return the worker, or empty if none with this id is live
     */
    public Optional<ClusterWorker> worker(int id) {
        return workers().stream().filter(w -> w.id() == id).findFirst();
    }

    /**
     * Sends a message to every live worker (those still starting get it once online).
     *
     * @param message any object the cluster's codec encodes
     */
    public void broadcast(Object message) {
        for (ClusterWorker w : workers()) {
            try {
                w.send(message);
            } catch (ClusterException e) {
                // it disconnected meanwhile: broadcast reaches the workers that are there
            }
        }
    }

    /**
     * Listens to every event; close the returned handle to stop.
     * Events are delivered in order on one thread of the primary, never on an IPC reader.
     *
     * @param listener called with each event
     * @return a handle whose close() removes the listener
     */
    public AutoCloseable on(Consumer<ClusterEvent> listener) {
        return primary().subscribe(listener);
    }

    /**
     * Listens to one kind of event, e.g. {@code on(ClusterEvent.Exit.class, e -> ...)}.
     *
     * @param <E> the kind of event
     * @param type the event's class, e.g. {@code ClusterEvent.Exit.class}
     * @param listener called with each event of that kind
     * @return a handle whose close() removes the listener
     */
    public <E extends ClusterEvent> AutoCloseable on(Class<E> type, Consumer<? super E> listener) {
        return primary().subscribe(e -> {
            if (type.isInstance(e)) {
                listener.accept(type.cast(e));
            }
        });
    }

    /**
     * Answers workers' {@link WorkerProcess#request}s: return the reply or a {@code CompletableFuture} of it.
     * The handler runs on a thread of the requesting worker's own (its requests in arrival order), never on
     * the IPC reader: it may block, even on a call to the same worker.
     *
     * @param handler given the requesting worker and the request, returns the reply or a future of it
     */
    public void onRequest(BiFunction<ClusterWorker, Object, Object> handler) {
        primary().onRequest(handler);
    }

    /**
     * Offers a named service to the workers, beside {@link #onRequest}: a worker calls it with
     * {@link #callService}. Brigade's own features use it (the embedded SharedStore lives in the
     * primary this way), so several can share one cluster without taking the app's request handler.
     *
     * @param name the service's name, non-blank
     * @param handler given the calling worker and the call's body, returns the answer or a future of it
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
     *
     * @param name a service the primary offers ({@link #service})
     * @param body the call's body
     * @param timeout how long to wait for the answer
     * @return the answer
     */
    public CompletableFuture<Object> callService(String name, Object body, Duration timeout) {
        java.util.Map<String, Object> envelope = new java.util.HashMap<>();
        envelope.put(Requests.SERVICE_KEY, name);
        envelope.put(Requests.SERVICE_BODY, body);
        return self().request(envelope, timeout);
    }

    /**
     * This worker's side of the cluster.
     *
     * @return this worker's side of the cluster
     * @throws IllegalStateException in the primary
     */
    public WorkerProcess self() {
        if (self == null) {
            throw new IllegalStateException("self() is only available in a worker; this process is the primary");
        }
        return self;
    }

    /**
     * The ports the workers serve, as the primary bound them (a declared port 0 shows the port the
     * kernel picked), in declaration order; empty when none is declared.
     *
     * @return the bound ports
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
     *
     * @param batch how many workers are replaced at once, at least 1
     * @return a future of the number of workers replaced
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
     *
     * @param n the number of workers wanted, 0..1024
     */
    public void scale(int n) {
        primary().scale(n);
    }

    /**
     * The full worker command line (profile flags included) and the class-data archive's state.
     *
     * @return a description for humans
     */
    public String describe() {
        return primary().describe();
    }

    /**
     * Lines of worker output dropped because the output consumer was slower than the workers.
     *
     * @return the number of lines dropped so far
     */
    public long droppedOutputLines() {
        return primary().droppedOutputLines();
    }

    /**
     * Blocks until every worker has ended and none will be restarted (or the cluster was closed).
     * Not needed to keep the primary running: as in Node, a primary with live workers keeps its JVM
     * alive after {@code main} returns, and lets it end once they are all done. Returns at once if
     * nothing was forked.
     *
     * @throws InterruptedException if this thread is interrupted while waiting
     */
    public void awaitTermination() throws InterruptedException {
        primary().awaitTermination(-1);
    }

    /**
     * {@link #awaitTermination()} for at most {@code timeout}.
     *
     * @return true if every worker ended (or the cluster was closed), false if the time ran out first
     * @throws InterruptedException if this thread is interrupted while waiting
     *
     * @param timeout the longest wait
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("awaitTermination: timeout must be a duration >= 0, got " + timeout);
        }
        return primary().awaitTermination(timeout.toNanos());
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
