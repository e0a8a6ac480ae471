package dev.brigade.manager.daemon;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The daemon's apps and the one dispatcher of the control protocol: an exhaustive switch over
 * {@link Request}. Registry changes are guarded by {@code this}; stopping and starting (which can
 * take a kill timeout) run outside the lock, so a slow {@code stop} never delays an {@code ls}.
 */
final class Apps {
    private final Home home;
    private final ScheduledExecutorService timer;
    private final App.LogSettings logs;
    private final Map<String, App> apps = new LinkedHashMap<>(); // guarded by this
    private int nextId;                                          // guarded by this
    private volatile long lastSample = System.nanoTime();        // written by the timer thread only; read by /healthz
    /** {@code brigade run}: every line of every app, including apps started later; null in the daemon. */
    volatile java.util.function.Consumer<Response.LogLine> tap;
    /** Kills the apps' process groups if the daemon dies without stopping them (set by the daemon). */
    volatile OrphanGuard guard = OrphanGuard.NONE;
    /** A kill (every app, then the daemon) has begun: the apps it stops are not "down" on their own. */
    volatile boolean killing;

    Apps(Home home, ScheduledExecutorService timer, App.LogSettings logs) {
        this.home = home;
        this.timer = timer;
        this.logs = logs;
    }

    Response handle(Request request) {
        try {
            return switch (request) {
                case Request.Ping p -> new Response.Ok("daemon " + ProcessHandle.current().pid() + " rss "
                        + ProcStats.selfRss(), List.of());
                case Request.Start s -> start(s.specs());
                case Request.Stop s -> each(s.target(), "stopped", a -> a.stop().join());
                case Request.Restart r -> each(r.target(), "restarted", a -> a.restart().join());
                case Request.Reload r -> each(r.target(), "reloaded", App::reload);
                case Request.Delete d -> delete(d.target());
                case Request.Scale s -> s.instances() < 1 || s.instances() > 1024
                        ? new Response.Failure("INVALID", "instances must be in 1..1024, got " + s.instances())
                        : each(s.target(), "scaled to " + s.instances(), a -> a.scale(s.instances()));
                case Request.ListApps l -> new Response.Apps(snapshot().stream().map(App::info).toList());
                case Request.Describe d -> new Response.Apps(select(d.target()).stream().map(App::info).toList());
                case Request.Logs l -> new Response.Failure("PROTOCOL", "logs is streamed by the connection, not here");
                case Request.Flush f -> each(f.target(), "flushed", App::flush);
                case Request.Save s -> save();
                case Request.Resurrect r -> resurrect();
                case Request.Kill k -> kill();
                case Request.Dashboard d -> new Response.Failure("PROTOCOL", "the dashboard is served by the daemon, not here");
            };
        } catch (UnknownApp e) {
            return new Response.Failure("UNKNOWN_APP", e.getMessage());
        } catch (RuntimeException e) {
            return new Response.Failure("FAILED", String.valueOf(e.getMessage()));
        }
    }

    /** The apps {@code target} names: a name, an id, or {@code all}. */
    List<App> select(String target) {
        List<App> all = snapshot();
        if ("all".equals(target)) {
            return all;
        }
        List<App> hit = all.stream().filter(a -> a.spec().name().equals(target) || String.valueOf(a.id).equals(target)).toList();
        if (hit.isEmpty()) {
            throw new UnknownApp("no app named or numbered \"" + target + "\" (apps: "
                    + (all.isEmpty() ? "none" : String.join(", ", all.stream().map(a -> a.id + " " + a.spec().name()).toList())) + ")"
                    + ("0".equals(target) ? "; Brigade numbers apps from 1, where PM2 starts at 0" : ""));
        }
        return hit;
    }

    synchronized List<App> snapshot() {
        return new ArrayList<>(apps.values());
    }

    /** Timer task, every second: CPU and memory of every instance, memory limits. Never throws. */
    /** When supervision last ticked ({@link #sample} runs every second on the timer that restarts apps). */
    long lastSampleNanos() {
        return lastSample;
    }

    void sample() {
        long now = System.nanoTime();
        double seconds = Math.max(0.001, (now - lastSample) / 1e9);
        lastSample = now;
        for (App a : snapshot()) {
            try {
                a.sample(seconds);
            } catch (RuntimeException e) {
                System.err.println("brigade daemon: sampling " + a.spec().name() + " failed: " + e);
            }
        }
    }

    private Response start(List<AppSpec> specs) {
        if (specs == null || specs.stream().anyMatch(java.util.Objects::isNull)) {
            return new Response.Failure("INVALID", "start needs \"specs\", a list of apps to start: the request's is "
                    + (specs == null ? "missing" : "a list with a null entry"));
        }
        List<App> started = new ArrayList<>();
        synchronized (this) {
            for (AppSpec s : specs) {
                String problem = s.problem();
                if (problem != null) {
                    return new Response.Failure("INVALID", "app " + s.name() + ": " + problem);
                }
                if (apps.containsKey(s.name())) {
                    return new Response.Failure("NAME_TAKEN", "an app named \"" + s.name()
                            + "\" exists already (use 'brigade restart " + s.name() + "', or another --name)");
                }
                for (App other : apps.values()) {
                    if (s.clustered() && s.port() > 0 && other.clustered() && other.info().ports().contains(s.port())) {
                        return new Response.Failure("PORT_IN_USE", "app " + s.name() + ": port " + s.port()
                                + " is already in use by app " + other.spec().name() + " (id " + other.id + "); stop it, or choose another --port");
                    }
                }
            }
            for (AppSpec s : specs) {
                App a = new App(++nextId, s, timer, logs);
                a.guard = guard;
                if (tap != null) {
                    a.follow(tap);
                }
                apps.put(s.name(), a);
                started.add(a);
            }
        }
        for (App a : started) {
            try {
                a.start();
            } catch (RuntimeException e) {
                // e.g. cluster mode and the port is in use: this request started nothing
                CompletableFuture.allOf(started.stream().map(App::stop).toArray(CompletableFuture[]::new)).join();
                synchronized (this) {
                    started.forEach(x -> apps.remove(x.spec().name(), x));
                }
                started.forEach(App::closeLogs);
                return new Response.Failure(e.getMessage() != null && e.getMessage().contains("already in use")
                        ? "PORT_IN_USE" : "FAILED", e.getMessage());
            }
        }
        return new Response.Ok("started " + started.size() + " app(s)", started.stream().map(App::info).toList());
    }

    private Response each(String target, String done, java.util.function.Consumer<App> action) {
        List<App> chosen = select(target);
        chosen.forEach(action);
        return new Response.Ok(done + ": " + String.join(", ", chosen.stream().map(a -> a.spec().name()).toList()),
                chosen.stream().map(App::info).toList());
    }

    private Response delete(String target) {
        List<App> chosen = select(target);
        CompletableFuture.allOf(chosen.stream().map(App::stop).toArray(CompletableFuture[]::new)).join();
        synchronized (this) {
            chosen.forEach(a -> apps.remove(a.spec().name(), a));
        }
        chosen.forEach(App::closeLogs);
        return new Response.Ok("deleted: " + String.join(", ", chosen.stream().map(a -> a.spec().name()).toList()), List.of());
    }

    private Response save() {
        List<AppSpec> specs = snapshot().stream().map(App::spec).toList();
        if (specs.isEmpty()) {
            // as PM2 does: an accidental save with nothing running must not lose what was saved
            return new Response.Ok("no apps to save: " + home.dump() + " is left as it was (delete it to forget the saved apps)", List.of());
        }
        try {
            PrivateFiles.write(home.dump(), Protocol.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(specs)); // 0600: env may hold secrets
        } catch (IOException e) {
            return new Response.Failure("FAILED", "cannot write " + home.dump() + ": " + e.getMessage());
        }
        return new Response.Ok("saved " + specs.size() + " app(s) to " + home.dump(), List.of());
    }

    private Response resurrect() {
        if (!Files.exists(home.dump())) {
            return new Response.Failure("FAILED", "nothing to resurrect: " + home.dump() + " does not exist (run 'brigade save' first)");
        }
        List<AppSpec> specs;
        try {
            specs = Protocol.JSON.readValue(home.dump().toFile(), new TypeReference<List<AppSpec>>() { });
            if (specs == null || specs.contains(null)) {
                throw new IOException("null entry");
            }
        } catch (IOException | RuntimeException e) {
            return new Response.Failure("FAILED", home.dump() + " is not a list of saved apps (damaged or edited): "
                    + (e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse(""))
                    + "; move it away and start the apps again, then 'brigade save'");
        }
        List<String> running = snapshot().stream().map(a -> a.spec().name()).toList();
        List<AppSpec> missing = specs.stream().filter(s -> !running.contains(s.name())).toList();
        return missing.isEmpty() ? new Response.Ok("every saved app runs already", List.of()) : start(missing);
    }

    private Response kill() {
        killing = true;
        List<App> all = snapshot();
        CompletableFuture.allOf(all.stream().map(App::stop).toArray(CompletableFuture[]::new)).join();
        all.forEach(App::closeLogs);
        return new Response.Ok("stopped " + all.size() + " app(s) and the daemon", List.of());
    }

    static final class UnknownApp extends RuntimeException {
        UnknownApp(String message) {
            super(message);
        }
    }
}
