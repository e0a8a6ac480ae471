package dev.brigade.cluster.internal;

import dev.brigade.cluster.ClusterEvent;
import dev.brigade.cluster.ClusterException;
import dev.brigade.cluster.ClusterException.Code;
import dev.brigade.cluster.ClusterSettings;
import dev.brigade.cluster.Signal;
import dev.brigade.cluster.WorkerState;
import java.lang.System.Logger.Level;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Watches live workers on the primary's timer: a worker whose heartbeats stop for longer than
 * the heartbeat timeout is hung (SIGQUIT for a thread dump into its captured stdout, then
 * SIGKILL of its tree; the supervisor replaces it like a crash); a worker whose RSS exceeds the
 * memory limit is replaced gracefully (disconnect, then a restart without backoff). Every check
 * catches and logs everything: a watchdog that dies silently is worse than none.
 *
 * <p>A worker that records the app's class-data archive gets {@value #RECORDING_GRACE} times the heartbeat timeout
 * until its recording ends: recording slows the JVM, and on a loaded machine a recording worker was once killed as
 * hung during its start, losing the recording (it is then not made again for that version).
 */
final class Watchdog implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.brigade.cluster");
    /** How many heartbeat timeouts a recording worker may stay silent. */
    static final int RECORDING_GRACE = 4;
    private final Primary primary;
    private final ClusterSettings settings;
    private final ScheduledExecutorService timer;
    private final ScheduledFuture<?> heartbeats;
    private final ScheduledFuture<?> memory;
    private final long periodNanos;
    private long lastCheckNanos = System.nanoTime(); // the timer thread's

    Watchdog(Primary primary, ClusterSettings settings, ScheduledExecutorService timer) {
        this.primary = primary;
        this.settings = settings;
        this.timer = timer;
        long hbPeriod = Math.max(50, settings.heartbeatTimeout().toMillis() / 5);
        this.periodNanos = TimeUnit.MILLISECONDS.toNanos(hbPeriod);
        this.heartbeats = timer.scheduleWithFixedDelay(this::checkHeartbeats, hbPeriod, hbPeriod, TimeUnit.MILLISECONDS);
        long memPeriod = settings.memoryCheckInterval().toMillis();
        this.memory = settings.memoryLimitBytes() == 0 ? null
                : timer.scheduleWithFixedDelay(this::checkMemory, memPeriod, memPeriod, TimeUnit.MILLISECONDS);
    }

    private void checkHeartbeats() {
        try {
            long timeout = settings.heartbeatTimeout().toNanos();
            long now = System.nanoTime();
            long late = lateness(lastCheckNanos, now, periodNanos);
            lastCheckNanos = now;
            for (Child c : primary.children()) {
                if (late > 0) {
                    c.lastHeartbeatNanos = credited(c.lastHeartbeatNanos, late, now);
                }
                WorkerState s = c.state();
                if (c.hung || !(s == WorkerState.ONLINE || s == WorkerState.LISTENING)) {
                    continue;
                }
                long silent = now - c.lastHeartbeatNanos;
                boolean recording = c.recording;
                if (silent > (recording ? timeout * RECORDING_GRACE : timeout)) {
                    c.hung = true;
                    String msg = c + " sent no heartbeat for " + silent / 1_000_000 + " ms (heartbeat timeout "
                            + settings.heartbeatTimeout().toMillis() + " ms" + (recording ? " x" + RECORDING_GRACE + " while it records"
                            + " the class-data archive" : "") + "): thread dump requested (SIGQUIT), then SIGKILL";
                    LOG.log(Level.WARNING, msg);
                    primary.publish(new ClusterEvent.Error(c, new ClusterException(Code.HUNG, msg)));
                    c.signal(Signal.SIGQUIT);
                    long grace = Math.min(1000, settings.killTimeout().toMillis());
                    timer.schedule(c::killTree, grace, TimeUnit.MILLISECONDS);
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "heartbeat check failed", e);
        }
    }

    /**
     * How late this check runs, when it runs a whole period late or more (else 0): the primary's own timer was starved
     * of CPU (a loaded machine, a long GC pause), and the heartbeats it would have read meanwhile count as received,
     * so a starved machine does not get its serving workers killed as hung. A worker that is really hung stays silent
     * once the checks are on time again, and is caught then.
     */
    static long lateness(long lastCheckNanos, long nowNanos, long periodNanos) {
        long late = nowNanos - lastCheckNanos - periodNanos;
        return late >= periodNanos ? late : 0;
    }

    /** A worker's last heartbeat with {@code late} forgiven, never later than now. */
    static long credited(long lastHeartbeatNanos, long late, long nowNanos) {
        return Math.min(nowNanos, lastHeartbeatNanos + late);
    }

    private void checkMemory() {
        try {
            long limit = settings.memoryLimitBytes();
            for (Child c : primary.children()) {
                if (c.replaceRequested || c.stopRequested || c.state().isTerminal()) {
                    continue;
                }
                long rss = ProcStat.rssBytes(c.pid());
                if (rss > limit) {
                    c.replaceRequested = true;
                    String msg = c + " uses " + rss / (1024 * 1024) + " MiB resident, over memoryLimitBytes ("
                            + limit / (1024 * 1024) + " MiB): replacing it gracefully";
                    LOG.log(Level.WARNING, msg);
                    primary.publish(new ClusterEvent.Error(c, new ClusterException(Code.MEMORY_LIMIT, msg)));
                    c.disconnect();
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "memory check failed", e);
        }
    }

    @Override
    public void close() {
        heartbeats.cancel(false);
        if (memory != null) {
            memory.cancel(false);
        }
    }
}
