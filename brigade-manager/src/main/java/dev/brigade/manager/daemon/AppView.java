package dev.brigade.manager.daemon;

import dev.brigade.cluster.ClusterMetrics;
import java.util.List;

/**
 * One app, read-only, for the metrics and health endpoints (dev.brigade.manager.metrics): what
 * {@code ls} shows ({@link #info()}) and the counts behind the metrics. A live handle: each call
 * reads the app as it is now.
 */
public final class AppView {
    private final App app;

    AppView(App app) {
        this.app = app;
    }

    /** The apps of the daemon (or of {@code brigade run}) as they are now. */
    static List<AppView> of(Apps apps) {
        return apps.snapshot().stream().map(AppView::new).toList();
    }

    /** The app's name (unique in its home). */
    public String name() {
        return app.spec().name();
    }

    /** True for a cluster-mode app (its workers share the declared port). */
    public boolean clustered() {
        return app.clustered();
    }

    /** How many instances the app should run. */
    public int desired() {
        return app.spec().instances();
    }

    /** The port the app declared, 0 if none. */
    public int declaredPort() {
        return app.spec().port();
    }

    /**
     * Workers serving now: in cluster mode those listening on the declared port (old and new alike during a
     * rolling reload), in fork mode instances up for the app's min uptime.
     */
    public int serving() {
        return app.serving();
    }

    /** What {@code ls} shows of it. */
    public AppInfo info() {
        return app.info();
    }

    /** Cluster mode: the metrics of its running cluster (counting since it was started); null when stopped, or in fork mode. */
    public ClusterMetrics clusterMetrics() {
        return app.clusterMetrics();
    }

    /** Fork mode: processes restarted for {@code cause} ({@code crash}, {@code memory}, {@code reload}; {@code hang}: 0). */
    public long restarts(String cause) {
        Tally t = app.tally;
        return switch (cause) {
            case "crash" -> t.crashRestarts.get();
            case "memory" -> t.memoryRestarts.get();
            case "reload" -> t.reloadRestarts.get();
            default -> 0; // no heartbeat in fork mode: no hang is ever detected
        };
    }

    /** Fork mode: processes that could not be started. */
    public long bootFailures() {
        return app.tally.bootFailures.get();
    }

    /** Fork mode: reloads done. */
    public long reloads() {
        return app.tally.reloads.get();
    }

    /** Fork mode: their total time, in nanoseconds. */
    public long reloadNanos() {
        return app.tally.reloadNanos.get();
    }

    /** Fork mode: reloads that failed. */
    public long reloadFailures() {
        return app.tally.reloadFailures.get();
    }

    /** Log lines of this app that could not be written to its log files (disk full), since the app was created. */
    public long droppedLogLines() {
        return app.instances().stream().mapToLong(i -> i.log.droppedTotal()).sum();
    }

    /** Whether this view reads that app (the same object, not one of the same name started again). */
    public boolean sameApp(AppView other) {
        return other != null && other.app == app;
    }

    /**
     * Streams every new line of the app's output to {@code follower} (on the thread that reads it: keep it short)
     * until the returned handle is run.
     */
    public Runnable follow(java.util.function.Consumer<Response.LogLine> follower) {
        return app.follow(follower);
    }
}
