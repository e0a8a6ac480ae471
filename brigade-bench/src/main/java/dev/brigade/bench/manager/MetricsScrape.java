package dev.brigade.bench.manager;

import dev.brigade.bench.BenchOptions;
import dev.brigade.bench.Figure;
import dev.brigade.bench.Stats;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The metrics figures of {@code brigade bench manager} (issue 15), each against a daemon of its own
 * running 8 apps of 4 workers: 6 fork-mode apps (4 {@code sleep} processes each) and 2 cluster-mode
 * apps (4 JVMs of {@link JdkHello} each, so the cluster's own meters are read too).
 *
 * <ul>
 *   <li>{@code manager.metrics_scrape_ms}: median wall time of {@code GET /metrics} (the whole
 *       exposition, over HTTP on 127.0.0.1) after 20 warm-up scrapes.</li>
 *   <li>{@code manager.metrics_daemon_rss_mb}: the daemon's RSS with {@code BRIGADE_METRICS_PORT} set,
 *       after the scrapes, minus the RSS of a daemon without it running the same apps.</li>
 * </ul>
 */
final class MetricsScrape {
    private static final int APPS = 8;
    private static final int CLUSTER_APPS = 2;
    private static final int WORKERS = 4;

    private MetricsScrape() {
    }

    static List<Figure> run(BenchOptions options, String helloJar) throws Exception {
        int scrapes = options.quick() ? 50 : 300;
        Path off = Files.createTempDirectory("brigade-bench-metrics-off-");
        Path on = Files.createTempDirectory("brigade-bench-metrics-on-");
        List<Figure> out = new ArrayList<>();
        long rssOff;
        try {
            startApps(Map.of(), off, helloJar);
            rssOff = settledRss(off);
        } finally {
            kill(off);
        }
        try {
            int port = ManagerSuite.freePort();
            startApps(Map.of("BRIGADE_METRICS_PORT", Integer.toString(port)), on, helloJar);
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).build();
            int series = 0;
            for (int i = 0; i < 20; i++) {
                String body = scrape(http, get);
                series = (int) body.lines().filter(l -> !l.startsWith("#")).count();
            }
            double[] ms = new double[scrapes];
            for (int i = 0; i < scrapes; i++) {
                long t0 = System.nanoTime();
                scrape(http, get);
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            out.add(Figure.lower("manager.metrics_scrape_ms", Stats.median(ms), "ms", Map.of(),
                    "median of " + scrapes + " GET /metrics (" + series + " series) from a daemon running " + APPS + " apps x "
                            + WORKERS + " workers (" + CLUSTER_APPS + " of them cluster mode), after 20 warm-ups"));
            long rssOn = settledRss(on);
            out.add(Figure.lower("manager.metrics_daemon_rss_mb", (rssOn - rssOff) / 1048576.0, "MB", Map.of(),
                    "daemon RSS with /metrics on, after " + (scrapes + 20) + " scrapes, minus a daemon without it running the same apps ("
                            + (rssOff >> 20) + " MB -> " + (rssOn >> 20) + " MB)"));
        } finally {
            kill(on);
        }
        return out;
    }

    /** Stops the home's daemon; one that never started is no error (the error that stopped it is the one to see). */
    private static void kill(Path home) throws InterruptedException {
        try {
            ManagerSuite.cli(home, "kill");
        } catch (IOException e) {
            System.err.println("bench metrics: " + e.getMessage());
        }
    }

    private static String scrape(HttpClient http, HttpRequest get) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(get, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET /metrics answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    private static void startApps(Map<String, String> env, Path home, String helloJar) throws Exception {
        for (int a = 0; a < APPS - CLUSTER_APPS; a++) {
            ManagerSuite.cli(env, home, "start", "--name", "sleeper" + a, "-i", Integer.toString(WORKERS), "--kill-timeout", "1s",
                    "--", "sleep", "100000");
        }
        for (int a = 0; a < CLUSTER_APPS; a++) {
            int port = ManagerSuite.freePort();
            ManagerSuite.cli(env, home, "start", "--name", "hello" + a, "-i", Integer.toString(WORKERS), "--port",
                    Integer.toString(port), "--kill-timeout", "2s", "--listen-timeout", "120s", "--cp", helloJar, JdkHello.class.getName());
            ManagerSuite.waitForPids(port, WORKERS, 120_000);
        }
    }

    /** The daemon's RSS once it has been idle a little: the median of 5 readings 200 ms apart. */
    private static long settledRss(Path home) throws IOException, InterruptedException {
        long pid = Long.parseLong(Files.readString(home.resolve("ls.pid")).trim().split(" ")[0]);
        double[] r = new double[5];
        for (int i = 0; i < r.length; i++) {
            Thread.sleep(200); // a bench reading, not a test's synchronisation
            r[i] = ManagerSuite.rss(pid);
        }
        return (long) Stats.median(r);
    }
}
