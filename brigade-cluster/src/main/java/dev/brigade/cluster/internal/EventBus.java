package dev.brigade.cluster.internal;

import dev.brigade.cluster.ClusterEvent;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Delivers cluster events in order on one thread, so listeners never run on an IPC reader or
 * reaper thread and never see events out of order. A throwing listener is logged, not fatal.
 */
final class EventBus implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.brigade.cluster");
    private final List<Consumer<ClusterEvent>> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService thread = Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().daemon().name("brigade-cluster-events").unstarted(r));

    AutoCloseable subscribe(Consumer<ClusterEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    void publish(ClusterEvent event) {
        try {
            thread.execute(() -> {
                for (Consumer<ClusterEvent> l : listeners) {
                    try {
                        l.accept(event);
                    } catch (RuntimeException e) {
                        LOG.log(Level.ERROR, "cluster event listener failed on " + event, e);
                    }
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // the cluster is closed: late events (exits during shutdown) have no audience left
        }
    }

    /** Runs {@code task} on the event thread once every event published before it was delivered. */
    void then(Runnable task) {
        try {
            thread.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // closed: whoever closed it ran what follows
        }
    }

    @Override
    public void close() throws InterruptedException {
        thread.shutdown();
        thread.awaitTermination(2, TimeUnit.SECONDS);
    }
}
