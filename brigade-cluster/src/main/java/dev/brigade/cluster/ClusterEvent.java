package dev.brigade.cluster;

/**
 * What happens to workers, as the primary sees it (Node's cluster events). Events are
 * delivered in order, on one thread per cluster; a listener that throws is logged and does not
 * stop the others. Switch over them exhaustively:
 *
 * <pre>{@code
 * cluster.on(event -> {
 *     switch (event) {
 *         case ClusterEvent.Exit e when !e.exitedAfterDisconnect() -> log.warn(e.worker() + " died: " + e.status());
 *         default -> { }
 *     }
 * });
 * }</pre>
 */
public sealed interface ClusterEvent {
    /**
     * The worker concerned.
     *
     * @return the worker this event is about
     */
    ClusterWorker worker();

    /**
     * The worker process was spawned.
     *
     * @param worker the new worker
     */
    record Fork(ClusterWorker worker) implements ClusterEvent {
    }

    /**
     * The worker connected to the primary over IPC: it runs.
     *
     * @param worker the worker
     */
    record Online(ClusterWorker worker) implements ClusterEvent {
    }

    /**
     * The worker accepts connections on {@code host:port}.
     *
     * @param worker the worker
     * @param host the address it accepts on
     * @param port the port it accepts on
     */
    record Listening(ClusterWorker worker, String host, int port) implements ClusterEvent {
    }

    /**
     * The worker's IPC channel closed (it is exiting, or was disconnected).
     *
     * @param worker the worker
     */
    record Disconnect(ClusterWorker worker) implements ClusterEvent {
    }

    /**
     * The worker process ended and was reaped.
     *
     * @param exitedAfterDisconnect true if the primary asked it to stop ({@code disconnect()}, {@code kill()},
     *                              shutdown), false if it died on its own
     *
     * @param worker the worker
     * @param status its exit code or signal
     */
    record Exit(ClusterWorker worker, ExitStatus status, boolean exitedAfterDisconnect) implements ClusterEvent {
    }

    /**
     * The worker sent a message with {@link WorkerProcess#send}.
     *
     * @param worker the sender
     * @param message the message, decoded by the cluster's codec
     */
    record Message(ClusterWorker worker, Object message) implements ClusterEvent {
    }

    /**
     * Something went wrong with the worker (boot failure, crash loop, hang, memory, protocol).
     *
     * @param worker the worker
     * @param error what happened, with a stable code
     */
    record Error(ClusterWorker worker, ClusterException error) implements ClusterEvent {
    }
}
