package dev.brigade.bench.ports;

import dev.brigade.bench.BenchOptions;
import dev.brigade.bench.Figure;
import dev.brigade.bench.NodePeer;
import dev.brigade.bench.Suite;
import dev.brigade.cluster.Cluster;
import dev.brigade.cluster.ClusterWorker;
import dev.brigade.cluster.Signal;
import dev.brigade.testing.HttpLoad;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code brigade bench ports}: N JVMs of the unmodified demo server on one shared port, against
 * one JVM with as many event loops, Node's cluster and PM2 (same machine, same run, same load
 * tool); failed requests during rolling reloads and after a SIGKILL; how evenly 4 workers share.
 * The load generator shares the 2 cores with the servers, for every peer alike. Then, per framework app
 * of brigade-compat that is built ({@code --frameworks} selects), its reload failures and its req/s
 * against one JVM ({@link Frameworks}).
 */
public final class PortsSuite implements Suite {
    /** The framework apps of brigade-compat that {@code --frameworks} selects from. */
    public static final List<String> FRAMEWORKS = List.of("javalin", "vertx", "helidon", "undertow", "springboot", "micronaut", "quarkus");

    /**
     * The value of {@code --frameworks}: a comma-separated list of {@link #FRAMEWORKS}, {@code all} or {@code none}.
     *
     * @param value what the user typed
     * @return the frameworks selected, or null if {@code value} names an unknown one
     */
    public static List<String> frameworks(String value) {
        if (value.equals("all")) {
            return FRAMEWORKS;
        }
        if (value.equals("none")) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String name : value.split(",")) {
            if (!FRAMEWORKS.contains(name.trim())) {
                return null;
            }
            out.add(name.trim());
        }
        return out;
    }

    @Override
    public String name() {
        return "ports";
    }

    @Override
    public List<Figure> run(BenchOptions options) throws Exception {
        Duration d = options.quick() ? Duration.ofSeconds(3) : Duration.ofSeconds(10);
        int reloads = options.quick() ? 2 : 5;
        Load load = new Load();
        List<Figure> out = new ArrayList<>();

        double brigade;
        try (Cluster c = Servers.cluster(2)) {
            load.rps(c.ports().get(0), Duration.ofSeconds(2)); // warm-up: JIT the workers
            brigade = load.rps(c.ports().get(0), d);
        }
        int port = Servers.freePort();
        Process single = Servers.singleJvm(port, 2);
        double singleRps;
        try {
            load.rps(port, Duration.ofSeconds(2));
            singleRps = load.rps(port, d);
        } finally {
            Servers.stop(single);
        }
        Map<String, Double> peers = new LinkedHashMap<>();
        if (NodePeer.available()) {
            var node = Servers.nodeCluster(2);
            try {
                load.rps(node.getValue(), Duration.ofSeconds(1));
                peers.put("node", load.rps(node.getValue(), d));
            } finally {
                Servers.stop(node.getKey());
            }
        }
        Double pm2Reload = null;
        try (Pm2 pm2 = Pm2.start(2)) {
            if (pm2 != null) {
                load.rps(pm2.port, Duration.ofSeconds(1));
                peers.put("pm2", load.rps(pm2.port, d));
                pm2Reload = (double) failedDuring(pm2.port, false, reloads, pm2::reload);
            }
        }
        out.add(Figure.higher("ports.rps_vs_single_jvm", brigade / singleRps, "ratio", Map.of(),
                String.format("2 workers %.0f req/s vs one JVM with 2 event loops %.0f req/s; %s, %d s", brigade, singleRps, load.tool(), d.toSeconds())));
        out.add(Figure.higher("ports.rps", brigade, "req/s", peers, "hello world, 2 workers, " + load.tool() + ", " + d.toSeconds() + " s"));

        try (Cluster c = Servers.cluster(2)) {
            long failed = failedDuring(c.ports().get(0), false, reloads, () -> c.reload().get(120, TimeUnit.SECONDS));
            out.add(Figure.lower("ports.reload_failed_requests", failed, "requests",
                    pm2Reload == null ? Map.of() : Map.of("pm2", pm2Reload),
                    reloads + " rolling reloads under load, a new connection per request (HttpLoad, 8 connections, no retry)"));
            long failedKeepAlive = failedDuring(c.ports().get(0), true, reloads, () -> c.reload().get(120, TimeUnit.SECONDS));
            out.add(Figure.lower("ports.reload_failed_requests_keepalive", failedKeepAlive, "requests", Map.of(),
                    reloads + " rolling reloads under load, keep-alive clients (demo server drains with Connection: close)"));
        }
        out.addAll(kill());
        out.add(share(d));
        out.addAll(Frameworks.run(options.frameworks() == null ? FRAMEWORKS : options.frameworks(), options));
        return out;
    }

    /** Failed requests of an 8-connection HttpLoad while {@code times} actions run one after another. */
    static long failedDuring(int port, boolean keepAlive, int times, HttpLoad.Action action) throws Exception {
        HttpLoad.Result r = new HttpLoad("127.0.0.1", port, "/", 8, keepAlive).during(() -> {
            for (int i = 0; i < times; i++) {
                action.run();
            }
        });
        if (r.failed() > 0) {
            System.err.println("bench ports: failures: " + r.failures());
        }
        return r.failed();
    }

    private static List<Figure> kill() throws Exception {
        int connections = 8;
        try (Cluster c = Servers.cluster(2)) {
            HttpLoad load = new HttpLoad("127.0.0.1", c.ports().get(0), "/", connections, false);
            ClusterWorker victim = c.workers().get(0);
            HttpLoad.Result r = load.during(() -> {
                load.awaitCompleted(2_000, Duration.ofSeconds(30));   // a steady state before the kill
                victim.signal(Signal.SIGKILL);
                load.awaitCompleted(5_000, Duration.ofSeconds(30));   // and long enough after it
            });
            long refused = r.failures().entrySet().stream().filter(e -> e.getKey().startsWith("ConnectException"))
                    .mapToLong(Map.Entry::getValue).sum();
            return List.of(
                    Figure.lower("ports.kill_failed_requests", r.failed(), "requests", Map.of(),
                            "SIGKILL of 1 of 2 workers under load (8 connections, new connection per request); refused: " + refused
                                    + "; failures: " + r.failures()),
                    Figure.lower("ports.kill_inflight", r.failed() - refused, "requests", Map.of(),
                            "requests lost in flight on the killed worker (reset or cut short; at most one per connection: "
                                    + connections + ")"));
        }
    }

    private static Figure share(Duration d) throws Exception {
        try (Cluster c = Servers.cluster(4)) {
            HttpLoad.Result r = new HttpLoad("127.0.0.1", c.ports().get(0), "/", 16, false).run(d);
            return Figure.lower("ports.max_share_pct", r.maxSharePercent(), "%", Map.of(),
                    "busiest of 4 workers, new connection per request, 16 connections; per worker: " + r.bodies().values());
        }
    }
}
