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
    /** The worker concerned. */
    ClusterWorker worker();

    /** The worker process was spawned. */
    record Fork(ClusterWorker worker) implements ClusterEvent {
    }

    /** The worker connected to the primary over IPC: it runs. */
    record Online(ClusterWorker worker) implements ClusterEvent {
    }

    /** The worker accepts connections on {@code host:port}. */
    record Listening(ClusterWorker worker, String host, int port) implements ClusterEvent {
    }

    /** The worker's IPC channel closed (it is exiting, or was disconnected). */
    record Disconnect(ClusterWorker worker) implements ClusterEvent {
    }

    /**
     * The worker process ended and was reaped.
     *
     * @param exitedAfterDisconnect true if the primary asked it to stop ({@code disconnect()}, {@code kill()},
     *                              shutdown), false if it died on its own
     */
    record Exit(ClusterWorker worker, ExitStatus status, boolean exitedAfterDisconnect) implements ClusterEvent {
    }

    /** The worker sent a message with {@link WorkerProcess#send}. */
    record Message(ClusterWorker worker, Object message) implements ClusterEvent {
    }

    /** Something went wrong with the worker (boot failure, crash loop, hang, memory, protocol). */
    record Error(ClusterWorker worker, ClusterException error) implements ClusterEvent {
    }
}
