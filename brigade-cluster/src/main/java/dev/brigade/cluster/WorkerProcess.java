package dev.brigade.cluster;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The running worker's side of the cluster (Node's {@code process.send} / {@code process.on('message')}
 * and {@code cluster.worker} inside a worker). Obtained with {@link Cluster#self()} in a worker.
 *
 * <p>Message and request handlers run one at a time, in arrival order, on a thread of their own
 * (not the one that reads the IPC channel): a handler may block, even on a call answered over the
 * same channel ({@link #request}, an embedded {@code SharedStore}). While one blocks, later
 * messages and requests wait for it, as they wait in Node's event loop; return a
 * {@link CompletableFuture} from a request handler to answer later without holding the others up.
 */
public interface WorkerProcess {
    /**
     * This worker's id (also {@code BRIGADE_WORKER_ID}).
     *
     * @return the id
     */
    int id();

    /**
     * This worker's slot index (also {@code BRIGADE_INSTANCE}).
     *
     * @return the slot index
     */
    int instance();

    /**
     * Sends a message to the primary ({@link ClusterEvent.Message}).
     *
     * @param message any object the cluster's codec encodes
     */
    void send(Object message);

    /**
     * Sends a request the primary answers with {@link Cluster#onRequest}.
     *
     * @param message any object the cluster's codec encodes
     * @param timeout how long to wait for the reply
     * @return the reply, decoded
     */
    CompletableFuture<Object> request(Object message, Duration timeout);

    /**
     * Handles messages from the primary ({@link ClusterWorker#send}, {@link Cluster#broadcast}).
     *
     * @param handler called with each message
     */
    void onMessage(Consumer<Object> handler);

    /**
     * Answers requests from the primary. The function returns the reply, or a {@link CompletableFuture} of it;
     * an exception becomes a failed request on the primary's side.
     *
     * @param handler given the request, returns the reply or a future of it
     */
    void onRequest(Function<Object, Object> handler);

    /**
     * Runs when the primary asks this worker to stop ({@link ClusterWorker#disconnect()}): stop accepting work,
     * finish in-flight work, then return; the worker then exits with code 0 (shutdown hooks run). Before handlers
     * run, the worker has already stopped taking connections on the declared ports. Without any handler the
     * worker first waits, at most the drain timeout, for the connections it accepted to be closed, then exits
     * through {@link System#exit}, so the app's shutdown hooks do the rest.
     *
     * @param handler the app's draining
     */
    void onDisconnect(Runnable handler);

    /**
     * Tells the primary this worker accepts connections on {@code address} ({@link ClusterEvent.Listening}).
     *
     * @param address where the worker accepts
     */
    void listening(InetSocketAddress address);
}
