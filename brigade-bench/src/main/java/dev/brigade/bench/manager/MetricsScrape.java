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
 *   <li>{@code manager.metrics_scrape_keepalive_ms}: the same from a one-thread client on one kept-alive
 *       connection ({@link KeepAliveGet}), as Prometheus scrapes.</li>
 *   <li>{@code manager.metrics_scrape_cpu_ms}: the daemon's CPU time over the HttpClient scrapes, per scrape.</li>
 *   <li>{@code manager.metrics_idle_cpu_pct}: the daemon's CPU in the 5 s after the scrapes, minus that of a
 *       daemon without {@code /metrics} (what rendering ahead costs once scrapes have come fast).</li>
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

    /**
     * This scenario alone, for working on the scrape: {@code java -cp <brigade-bench's class path>
     * dev.brigade.bench.manager.MetricsScrape [--quick]} prints its figures, one a line.
     *
     * @param args {@code --quick}: 50 scrapes instead of 300
     * @throws Exception if the daemon or the apps cannot be started
     */
    public static void main(String[] args) throws Exception {
        ManagerSuite.archiveDir = Files.createTempDirectory("brigade-bench-cds-");
        BenchOptions options = new BenchOptions(List.of(args).contains("--quick"), false, List.of());
        for (Figure f : run(options, ManagerSuite.jar(JdkHello.class))) {
            System.out.println(f.id() + " = " + f.value() + " " + f.unit() + "  (" + f.note() + ")");
        }
    }

    static List<Figure> run(BenchOptions options, String helloJar) throws Exception {
        int scrapes = options.quick() ? 50 : 300;
        Path off = Files.createTempDirectory("brigade-bench-metrics-off-");
        Path on = Files.createTempDirectory("brigade-bench-metrics-on-");
        List<Figure> out = new ArrayList<>();
        long rssOff;
        double idleOff;
        try {
            startApps(Map.of(), off, helloJar);
            rssOff = settledRss(off);
            idleOff = idleCpuPercent(off);
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
            long daemon = daemonPid(on);
            double cpu0 = cpuSeconds(daemon);
            for (int i = 0; i < scrapes; i++) {
                long t0 = System.nanoTime();
                scrape(http, get);
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            double cpuPerScrape = (cpuSeconds(daemon) - cpu0) * 1000 / scrapes;
            double[] rawMs = new double[scrapes];
            try (KeepAliveGet raw = new KeepAliveGet(port, "/metrics")) {
                for (int i = 0; i < 20; i++) {
                    raw.get();
                }
                for (int i = 0; i < scrapes; i++) {
                    long t0 = System.nanoTime();
                    raw.get();
                    rawMs[i] = (System.nanoTime() - t0) / 1e6;
                }
            }
            out.add(Figure.lower("manager.metrics_scrape_ms", Stats.median(ms), "ms", Map.of(),
                    "median of " + scrapes + " GET /metrics (" + series + " series) from a daemon running " + APPS + " apps x "
                            + WORKERS + " workers (" + CLUSTER_APPS + " of them cluster mode), after 20 warm-ups"));
            out.add(Figure.lower("manager.metrics_scrape_keepalive_ms", Stats.median(rawMs), "ms", Map.of(),
                    "the same scrapes from a one-thread client on one kept-alive connection (as Prometheus scrapes): the "
                            + "JDK HttpClient's own thread hand-offs left out"));
            out.add(Figure.lower("manager.metrics_scrape_cpu_ms", cpuPerScrape, "ms", Map.of(),
                    "the daemon's CPU time (user + system) over those scrapes, divided by their number"));
            double idleOn = idleCpuPercent(on);
            out.add(Figure.lower("manager.metrics_idle_cpu_pct", idleOn - idleOff, "%", Map.of(),
                    "the daemon's CPU (% of one core) over 5 s without scrapes right after them (its /proc sampler runs), minus "
                            + "the same for a daemon without /metrics running the same apps (" + String.format("%.2f", idleOff)
                            + " -> " + String.format("%.2f", idleOn) + ")"));
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

    private static long daemonPid(Path home) throws IOException {
        return Long.parseLong(Files.readString(home.resolve("ls.pid")).trim().split(" ")[0]);
    }

    /** utime + stime of a process, in seconds (USER_HZ 100). */
    private static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    }

    /** The daemon's CPU use over 5 s, in % of one core. */
    private static double idleCpuPercent(Path home) throws IOException, InterruptedException {
        long pid = daemonPid(home);
        double c0 = cpuSeconds(pid);
        long t0 = System.nanoTime();
        Thread.sleep(5000); // a bench reading over a fixed window, not a test's synchronisation
        return 100 * (cpuSeconds(pid) - c0) / ((System.nanoTime() - t0) / 1e9);
    }

    /** The daemon's RSS once it has been idle a little: the median of 5 readings 200 ms apart. */
    private static long settledRss(Path home) throws IOException, InterruptedException {
        long pid = daemonPid(home);
        double[] r = new double[5];
        for (int i = 0; i < r.length; i++) {
            Thread.sleep(200); // a bench reading, not a test's synchronisation
            r[i] = ManagerSuite.rss(pid);
        }
        return (long) Stats.median(r);
    }
}
