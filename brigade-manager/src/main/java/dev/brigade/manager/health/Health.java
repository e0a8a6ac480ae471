package dev.brigade.manager.health;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.brigade.manager.daemon.AppView;
import dev.brigade.manager.metrics.Endpoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/*
 * What an orchestrator asks of `brigade run`: is it alive (/healthz), and may traffic be sent to it
 * (/readyz)?
 *
 * Alive means supervising: the daemon's timer, which samples the apps every second and runs every
 * restart, backoff and kill timeout, has ticked within SUPERVISION_STALE (a JVM that is up but whose
 * supervision is stuck must be restarted by the orchestrator, which is what a failing liveness probe
 * does). Ready means every app has its desired number of workers serving: in cluster mode, workers
 * listening on the declared port, counted across old and new workers, so a rolling reload (a new
 * worker listens before an old one is drained) keeps the count and /readyz stays 200; in fork mode,
 * instances up for the app's min uptime, as `brigade start` judges them. At shutdown /readyz turns
 * 503 before any app is stopped, so the load balancer stops sending traffic first.
 */
/** The answers of {@code /healthz} and {@code /readyz}, and the readiness the systemd notifier waits for. */
public final class Health {
    /** Supervision that has not ticked for this long is not alive (the timer ticks every second). */
    static final long SUPERVISION_STALE_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TYPE = "application/json";

    private final Supplier<List<AppView>> apps;
    private final LongSupplier sinceTickNanos;
    private volatile boolean stopping;

    /** The verdict on readiness, and why not. */
    public record Readiness(boolean ready, String reason, List<Map<String, Object>> apps) {
    }

    /**
     * Health of the apps {@code apps} lists, supervised by a timer whose last tick was {@code sinceTickNanos} ago.
     *
     * @param apps           the apps as they are now
     * @param sinceTickNanos nanoseconds since supervision last ticked
     */
    public Health(Supplier<List<AppView>> apps, LongSupplier sinceTickNanos) {
        this.apps = apps;
        this.sinceTickNanos = sinceTickNanos;
    }

    /** Shutdown has begun: not ready from now on (called before any app is stopped). */
    public void stopping() {
        stopping = true;
    }

    /** Whether supervision lives (its timer ticked recently). */
    public boolean supervising() {
        return sinceTickNanos.getAsLong() < SUPERVISION_STALE_NANOS;
    }

    /** Whether every app has its desired workers serving, and if not, why. */
    public Readiness readiness() {
        List<AppView> now = apps.get();
        List<Map<String, Object>> rows = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (AppView a : now) {
            int serving = a.serving();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", a.name());
            row.put("mode", a.clustered() ? "cluster" : "fork");
            row.put("desired", a.desired());
            row.put("serving", serving);
            rows.add(row);
            if (serving < a.desired()) {
                missing.add(a.name() + " has " + serving + " of " + a.desired() + " workers "
                        + (a.clustered() ? "listening" : "up past their min uptime"));
            }
        }
        if (stopping) {
            return new Readiness(false, "shutting down", rows);
        }
        if (now.isEmpty()) {
            return new Readiness(false, "no app runs", rows);
        }
        if (!missing.isEmpty()) {
            return new Readiness(false, String.join("; ", missing), rows);
        }
        return new Readiness(true, null, rows);
    }

    /** Serves {@code /healthz} and {@code /readyz} on {@code endpoint}. */
    public void serve(Endpoint endpoint) {
        endpoint.route("/healthz", () -> {
            long ms = TimeUnit.NANOSECONDS.toMillis(sinceTickNanos.getAsLong());
            Map<String, Object> body = new LinkedHashMap<>();
            boolean ok = supervising();
            body.put("status", ok ? "ok" : "failing");
            body.put("supervisionTickMsAgo", ms);
            if (!ok) {
                body.put("reason", "supervision has not ticked for " + ms + " ms (it ticks every second)");
            }
            return new Endpoint.Answer(ok ? 200 : 503, TYPE, json(body));
        });
        endpoint.route("/readyz", () -> {
            Readiness r = readiness();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("ready", r.ready());
            if (r.reason() != null) {
                body.put("reason", r.reason());
            }
            body.put("apps", r.apps());
            return new Endpoint.Answer(r.ready() ? 200 : 503, TYPE, json(body));
        });
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
