package dev.brigade.bench.ports;

import dev.brigade.bench.BenchOptions;
import dev.brigade.bench.Figure;
import dev.brigade.cluster.Cluster;
import dev.brigade.cluster.ClusterEvent;
import dev.brigade.cluster.ClusterSettings;
import dev.brigade.cluster.ProcessEntry;
import dev.brigade.cluster.StartupProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The ports suite's framework figures: the real apps of brigade-compat (each framework's hello world,
 * packaged its own way, built by {@code mvn verify -pl brigade-compat -am -Pcompat-full}) as 2 Brigade
 * workers, through 3 rolling reloads under load (new connection per request, then keep-alive), and
 * against the same jar as one plain {@code java -jar} JVM; PM2 reloading Node's http server 3 times
 * under the same loads is the peer of the reload figures.
 */
final class Frameworks {
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");
    private static final int RELOADS = 3;

    private Frameworks() {
    }

    /**
     * Where the apps were built: {@code -Dbrigade.bench.apps=DIR}, else {@code $BRIGADE_BENCH_APPS}, else
     * brigade-compat/target/apps of the checkout the {@code ./brigade} launcher runs from (or the working directory).
     */
    static Path appsDir() {
        String dir = System.getProperty("brigade.bench.apps", System.getenv("BRIGADE_BENCH_APPS"));
        if (dir != null) {
            return Path.of(dir);
        }
        String launcher = System.getenv("BRIGADE_LAUNCHER");
        Path root = launcher != null ? Path.of(launcher).toAbsolutePath().getParent() : Path.of("").toAbsolutePath();
        return root.resolve("brigade-compat/target/apps");
    }

    /** The packaged app of {@code name}, or null when it was not built. */
    static Path jar(String name) {
        Path target = appsDir().resolve(name).resolve("target");
        for (String file : List.of(name + "-hello-runner.jar", name + "-hello.jar")) {
            if (Files.isRegularFile(target.resolve(file))) {
                return target.resolve(file);
            }
        }
        return null;
    }

    /** The figures of every selected framework whose app is built; notes on stderr for the others. */
    static List<Figure> run(List<String> selected, BenchOptions options) throws Exception {
        Map<String, Path> present = new LinkedHashMap<>();
        for (String name : selected) {
            Path jar = jar(name);
            if (jar == null) {
                System.err.println("bench ports: " + name + " is left out: no app built in " + appsDir().resolve(name)
                        + " (mvn -B verify -pl brigade-compat -am -Pcompat-full builds every one)");
            } else {
                present.put(name, jar);
            }
        }
        List<Figure> out = new ArrayList<>();
        if (present.isEmpty()) {
            return out;
        }
        Duration d = options.quick() ? Duration.ofSeconds(3) : Duration.ofSeconds(8);
        Double pm2Close = null;
        Double pm2KeepAlive = null;
        try (Pm2 pm2 = Pm2.start(2)) {
            if (pm2 != null) {
                pm2Close = (double) PortsSuite.failedDuring(pm2.port, false, RELOADS, pm2::reload);
                pm2KeepAlive = (double) PortsSuite.failedDuring(pm2.port, true, RELOADS, pm2::reload);
            }
        }
        Load load = new Load();
        for (Map.Entry<String, Path> e : present.entrySet()) {
            String name = e.getKey();
            System.err.println("bench ports: " + name + " (" + e.getValue() + ")");
            double brigade;
            long close;
            long keepAlive;
            try (Cluster c = cluster(e.getValue())) {
                int port = c.ports().get(0);
                load.rps(port, Duration.ofSeconds(2));
                brigade = load.rps(port, d);
                close = PortsSuite.failedDuring(port, false, RELOADS, () -> c.reload().get(180, TimeUnit.SECONDS));
                keepAlive = PortsSuite.failedDuring(port, true, RELOADS, () -> c.reload().get(180, TimeUnit.SECONDS));
            }
            double single = singleJvm(e.getValue(), load, d);
            out.add(Figure.lower("ports.reload_failed_" + name, close, "requests", pm2Close == null ? Map.of() : Map.of("pm2", pm2Close),
                    RELOADS + " rolling reloads of 2 workers under load, new connection per request (HttpLoad, 8 clients, no retry)"));
            out.add(Figure.lower("ports.reload_failed_keepalive_" + name, keepAlive, "requests",
                    pm2KeepAlive == null ? Map.of() : Map.of("pm2", pm2KeepAlive),
                    RELOADS + " rolling reloads of 2 workers under load, keep-alive clients (HttpLoad, 8 clients, no retry)"));
            out.add(Figure.higher("ports.rps_vs_single_jvm_" + name, brigade / single, "ratio", Map.of(),
                    String.format("2 workers %.0f req/s vs the same jar as one java -jar JVM %.0f req/s; %s, %d s",
                            brigade, single, load.tool(), d.toSeconds())));
        }
        return out;
    }

    /** The jar as 2 workers on a loopback port, every worker listening; JVM defaults, like the single JVM. */
    private static Cluster cluster(Path jar) throws InterruptedException {
        Deque<String> tail = new ConcurrentLinkedDeque<>();
        Cluster c = Cluster.create(ClusterSettings.builder().profile(StartupProfile.JVM_DEFAULTS)
                .entry(ProcessEntry.jar(jar)).instances(2).listen("127.0.0.1", 0).shutdownHook(false)
                .listenTimeout(Duration.ofSeconds(120)).killTimeout(Duration.ofSeconds(10)).output(line -> {
                    tail.add(line.toString());
                    if (tail.size() > 30) {
                        tail.poll();
                    }
                }).build());
        CountDownLatch listening = new CountDownLatch(2);
        c.on(ClusterEvent.Listening.class, e -> listening.countDown());
        c.fork();
        if (!listening.await(150, TimeUnit.SECONDS)) {
            c.close();
            throw new IllegalStateException(jar.getFileName() + ": the workers did not both listen within 150 s; their last lines:\n  "
                    + String.join("\n  ", tail));
        }
        return c;
    }

    /** Requests per second of {@code java -jar JAR}, told its port the way the CLI tells the workers. */
    private static double singleJvm(Path jar, Load load, Duration d) throws IOException, InterruptedException {
        int port = Servers.freePort();
        ProcessBuilder pb = new ProcessBuilder(JAVA, "-jar", jar.toString()).directory(jar.getParent().toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        for (String v : List.of("PORT", "SERVER_PORT", "QUARKUS_HTTP_PORT", "MICRONAUT_SERVER_PORT")) {
            pb.environment().put(v, Integer.toString(port));
        }
        Process p = pb.start();
        try {
            Servers.awaitPort(port, Duration.ofSeconds(120));
            load.rps(port, Duration.ofSeconds(2));
            return load.rps(port, d);
        } finally {
            Servers.stop(p);
        }
    }
}
