package dev.brigade.manager.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brigade.manager.daemon.AppInfo;
import dev.brigade.manager.daemon.AppView;
import dev.brigade.manager.daemon.Response;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/*
 * What /events streams. One thread looks at the apps every 250 ms, but only while a client listens; it publishes
 * a new state when a worker's pid or state changed, when new log lines came, or a second after the last one
 * (CPU, memory and uptime move all the time): a killed worker shows within a quarter of a second, and a quiet
 * dashboard costs one snapshot a second however many browsers watch it. Each client then writes the shared
 * apps part and the log lines it has not had yet, at most LINES_PER_EVENT per app.
 */
/** The state the dashboard streams: the apps as JSON, and the last lines of each app's output. */
final class Feed implements AutoCloseable {
    static final ObjectMapper JSON = JsonMapper.builder().build();
    static final int LINES_KEPT = 200;
    static final int LINES_PER_EVENT = 50;
    static final int LINE_CHARS = 500;

    /** One line of output, numbered across all apps. */
    record Line(long seq, int instance, boolean stderr, String text) {
    }

    /** A published state: its number, when, the apps as a JSON array, and the last line number then. */
    record State(long version, long atMillis, String appsJson, long lastLine) {
    }

    private final Supplier<List<AppView>> apps;
    private final boolean readOnly;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("brigade-dashboard-feed").unstarted(r));
    private final Map<AppView, Runnable> following = new IdentityHashMap<>(); // the ticker's only
    private final Map<String, ArrayDeque<Line>> lines = new HashMap<>();       // guarded by this
    private final AtomicInteger listeners = new AtomicInteger();
    private long nextLine;                                                     // guarded by this
    private State state = new State(0, 0, "[]", 0);                           // guarded by this
    private String lastShape = "";

    Feed(Supplier<List<AppView>> apps, boolean readOnly) {
        this.apps = apps;
        this.readOnly = readOnly;
        ticker.scheduleWithFixedDelay(this::tick, 0, 250, TimeUnit.MILLISECONDS);
    }

    /** A client starts listening: the feed runs while at least one does. */
    void listen() {
        listeners.incrementAndGet();
    }

    void unlisten() {
        listeners.decrementAndGet();
    }

    int listeners() {
        return listeners.get();
    }

    /** The state after {@code version}, waiting up to {@code millis} for it; the current one if none comes. */
    synchronized State next(long version, long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (state.version() <= version) {
            long left = end - System.currentTimeMillis();
            if (left <= 0) {
                break;
            }
            wait(left);
        }
        return state;
    }

    /** The apps now, as JSON (not waiting for a tick). */
    String appsNow() {
        return render(apps.get()).json;
    }

    /** One event for a client that has had lines up to {@code seenLine}: the apps and the lines it lacks. */
    synchronized String event(State s, long seenLine, int perApp) {
        ObjectNode logs = JSON.createObjectNode();
        lines.forEach((app, q) -> {
            ArrayNode a = null;
            int skip = (int) Math.max(0, q.stream().filter(l -> l.seq() > seenLine && l.seq() <= s.lastLine()).count() - perApp);
            for (Line l : q) {
                if (l.seq() > seenLine && l.seq() <= s.lastLine() && skip-- <= 0) {
                    if (a == null) {
                        a = logs.putArray(app);
                    }
                    a.addArray().add(l.instance()).add(l.stderr()).add(l.text());
                }
            }
        });
        return "{\"t\":" + s.atMillis() + ",\"readOnly\":" + readOnly + ",\"apps\":" + s.appsJson() + ",\"logs\":" + logs + "}";
    }

    private record Rendered(String json, String shape) {
    }

    private void tick() {
        try {
            List<AppView> now = apps.get();
            follow(now); // always: a page opened later shows the lines that came before it
            if (listeners.get() == 0) {
                return;
            }
            Rendered r = render(now);
            synchronized (this) {
                boolean due = System.currentTimeMillis() - state.atMillis() >= 1000;
                if (due || !r.shape().equals(lastShape) || nextLine > state.lastLine()) {
                    lastShape = r.shape();
                    state = new State(state.version() + 1, System.currentTimeMillis(), r.json(), nextLine);
                    notifyAll();
                }
            }
        } catch (RuntimeException e) {
            System.err.println("brigade daemon: dashboard feed: " + e);
        }
    }

    /** Follows the output of the apps that appeared, forgets those that went. */
    private void follow(List<AppView> now) {
        for (AppView a : now) {
            if (following.keySet().stream().noneMatch(a::sameApp)) {
                following.put(a, a.follow(this::add));
            }
        }
        following.entrySet().removeIf(e -> {
            if (now.stream().noneMatch(e.getKey()::sameApp)) {
                e.getValue().run();
                synchronized (this) {
                    lines.remove(e.getKey().name());
                }
                return true;
            }
            return false;
        });
    }

    private synchronized void add(Response.LogLine l) {
        String text = l.text().length() > LINE_CHARS ? l.text().substring(0, LINE_CHARS) + "…" : l.text();
        ArrayDeque<Line> q = lines.computeIfAbsent(l.app(), k -> new ArrayDeque<>());
        q.addLast(new Line(++nextLine, l.instance(), l.stderr(), text));
        if (q.size() > LINES_KEPT) {
            q.removeFirst();
        }
    }

    private static Rendered render(List<AppView> now) {
        ArrayNode out = JSON.createArrayNode();
        StringBuilder shape = new StringBuilder();
        for (AppView v : now) {
            AppInfo a = v.info();
            ObjectNode o = out.addObject();
            o.put("name", a.name()).put("mode", a.mode()).put("desired", v.desired());
            int port = !a.ports().isEmpty() ? a.ports().get(0) : v.declaredPort();
            o.put("port", port);
            ArrayNode ws = o.putArray("workers");
            shape.append(a.name()).append(':');
            for (AppInfo.InstanceInfo i : a.instances()) {
                ws.addObject().put("instance", i.instance()).put("pid", i.pid()).put("state", i.status())
                        .put("cpu", Math.round(i.cpuPercent() * 10) / 10.0).put("rss", i.memoryBytes())
                        .put("restarts", i.restarts()).put("uptimeMs", i.uptimeMs()).put("port", port);
                shape.append(i.pid()).append('/').append(i.status()).append(',');
            }
            shape.append(';');
        }
        return new Rendered(out.toString(), shape.toString());
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        try {
            ticker.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        following.values().forEach(Runnable::run);
        following.clear();
        synchronized (this) {
            notifyAll();
        }
    }
}
