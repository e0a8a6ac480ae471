package dev.brigade.manager.daemon;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A fork-mode app's counts for its metrics (cluster mode counts with the cluster's
 * {@code ClusterMetrics}): restarts by cause, boot failures, reloads and their time. Only ever
 * incremented, from wherever the event happens; read by {@link AppView}.
 */
final class Tally {
    final AtomicLong crashRestarts = new AtomicLong();  // a process died on its own and is restarted
    final AtomicLong memoryRestarts = new AtomicLong(); // over the memory limit: restarted gracefully
    final AtomicLong reloadRestarts = new AtomicLong(); // replaced by a reload
    final AtomicLong bootFailures = new AtomicLong();   // could not be started at all
    final AtomicLong reloads = new AtomicLong();
    final AtomicLong reloadNanos = new AtomicLong();
    final AtomicLong reloadFailures = new AtomicLong();
}
