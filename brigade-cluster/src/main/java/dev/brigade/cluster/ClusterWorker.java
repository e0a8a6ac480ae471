package dev.brigade.cluster;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A worker process as its primary sees it (Node's {@code Worker} in the primary). A restart
 * creates a new {@code ClusterWorker} with a new {@link #id()} in the same {@link #instance()}
 * slot.
 */
public interface ClusterWorker {
    /**
     * Unique within the cluster, never reused; also in the worker's {@code BRIGADE_WORKER_ID}.
     *
     * @return the worker's id
     */
    int id();

    /**
     * The slot index 0..n-1 this worker fills; kept across restarts; the worker's {@code BRIGADE_INSTANCE}.
     *
     * @return the slot index
     */
    int instance();

    /**
     * The worker's process id.
     *
     * @return the pid, 0 until it is spawned
     */
    long pid();

    /**
     * Where the worker is in its life; moves only forward.
     *
     * @return its state
     */
    WorkerState state();

    /**
     * True while the IPC channel is open.
     *
     * @return whether the channel is open
     */
    boolean isConnected();

    /**
     * True once the primary asked the worker to stop (disconnect, kill, shutdown, replacement).
     *
     * @return whether its stop was asked for
     */
    boolean exitedAfterDisconnect();

    /**
     * Sends a message to the worker ({@link WorkerProcess#onMessage}). Messages sent while it is starting are
     * delivered, in order, once it is online; fails if the channel is closed.
     *
     * @param message any object the cluster's codec encodes
     * @throws ClusterException with code CHANNEL_CLOSED if the worker is not connected
     */
    void send(Object message);

    /**
     * Sends a request that the worker answers with {@link WorkerProcess#onRequest}. The future fails with a
     * {@link ClusterException} of code {@code REQUEST_TIMEOUT}, {@code REQUEST_FAILED} or {@code CHANNEL_CLOSED}.
     *
     * @param message any object the cluster's codec encodes
     * @param timeout how long to wait for the reply
     * @return the reply, decoded
     */
    CompletableFuture<Object> request(Object message, Duration timeout);

    /**
     * Asks the worker to stop gracefully: it takes no new work, finishes what is in flight and exits; after
     * the kill timeout it is killed (its whole process group). Not restarted.
     *
     * @return completes when the process has exited
     */
    CompletableFuture<ExitStatus> disconnect();

    /**
     * Stops the worker with SIGTERM, then SIGKILL after the kill timeout; not restarted.
     *
     * @return completes when the process has exited
     */
    CompletableFuture<ExitStatus> kill();

    /**
     * Sends a signal to the worker's JVM process only; it does not mark the worker as stopped on purpose.
     *
     * @param signal the signal
     */
    void signal(Signal signal);

    /**
     * Completes when the worker is online (connected over IPC); fails if it exits before.
     *
     * @return this worker, once online
     */
    CompletableFuture<ClusterWorker> online();

    /**
     * Completes when the process has exited and was reaped.
     *
     * @return its exit code or signal
     */
    CompletableFuture<ExitStatus> exit();

    /**
     * The worker's last lines of stderr (at most 20).
     *
     * @return the lines, oldest first
     */
    List<String> lastStderr();
}
