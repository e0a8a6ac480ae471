package dev.brigade.bench.manager;

import dev.brigade.bench.Stats;
import dev.brigade.cluster.internal.ProcStat;
import dev.brigade.bench.BenchOptions;
import dev.brigade.bench.Figure;
import dev.brigade.bench.NodePeer;
import dev.brigade.bench.Suite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code brigade bench manager}: the manager's figures against a real daemon in a temporary
 * BRIGADE_HOME, with PM2 (installed with npm into the Node peers' cache) in the same run.
 *
 * <ul>
 *   <li>{@code manager.ls_ms}: wall time of a whole {@code brigade ls} command through the launcher
 *       (./brigade, which answers it in bash over the daemon's pipe) with the daemon running; peer
 *       {@code pm2}: {@code pm2 ls}. {@code manager.ls_jvm_ms}: the same command on the JVM path
 *       (BRIGADE_QUICK_LS=0), the way every other command runs.</li>
 *   <li>{@code manager.ls_roundtrip_us}: one {@code list} request on an open control connection.</li>
 *   <li>{@code manager.start_listening_ms}: {@code brigade start -i 2 --port P} of a hello app on the
 *       JDK's own HTTP server ({@link JdkHello}, cluster mode) until HTTP answers came from both workers;
 *       peer {@code pm2}: {@code pm2 start -i 2} of the Node hello app on Node's own HTTP server
 *       (ports.js app), same end point. {@code manager.start_listening_demo_ms}: the same with the
 *       Netty demo server, whose own start-up is longer.</li>
 *   <li>{@code manager.restart_listening_ms_demo}, {@code manager.restart_listening_ms_springboot},
 *       {@code manager.first_start_listening_ms_*} and {@code manager.recording_restart_listening_ms_*}: restart until
 *       HTTP answers again, from the app's class-data archive (and right after a new version, and the restart after
 *       that, which records it), peer {@code java_jar}: plain {@code java -jar} ({@link RestartFigures}).</li>
 *   <li>{@code manager.daemon_rss_growth_mb}: the daemon's RSS after 10,000 control requests and
 *       1,000 restarts, minus its RSS after a warm-up.</li>
 *   <li>{@code manager.metrics_scrape_ms}, {@code manager.metrics_daemon_rss_mb}: see {@link MetricsScrape}.</li>
 * </ul>
 * The suite drives the {@code brigade} CLI and the control socket from outside (raw frames), as
 * any client would; brigade-bench does not link the manager.
 */
public final class ManagerSuite implements Suite {
    /** The launcher's flags for CLI commands (./brigade), the class-data archive in a temporary directory. */
    private static List<String> cliFlags(Path archiveDir) {
        return List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-XX:+AutoCreateSharedArchive",
                "-XX:SharedArchiveFile=" + archiveDir.resolve("cli.jsa"), "-Xlog:disable");
    }

    private static final String DEMO_MAIN = "dev.brigade.examples.demo.DemoServer";
    static Path archiveDir; // the CLI's class-data archive (MetricsScrape's main sets its own)

    @Override
    public String name() {
        return "manager";
    }

    @Override
    public List<Figure> run(BenchOptions options) throws Exception {
        boolean quick = options.quick();
        int lsRuns = quick ? 5 : 15;
        int requests = quick ? 1_000 : 10_000;
        int restarts = quick ? 100 : 1_000;
        Path home = Files.createTempDirectory("brigade-bench-home-");
        archiveDir = Files.createTempDirectory("brigade-bench-cds-");
        List<Figure> out = new ArrayList<>();
        try {
            cli(home, "start", "--name", "napper", "--kill-timeout", "1s", "--", "sleep", "100000");
            cli(home, "ls"); // warm-up: the JVM writes the CLI's class-data archive at exit
            cli(Map.of("BRIGADE_QUICK_LS", "0"), home, "ls");
            cli(Map.of("BRIGADE_QUICK_LS", "0"), home, "ls");
            double[] ls = new double[lsRuns];
            double[] lsJvm = new double[lsRuns];
            for (int i = 0; i < lsRuns; i++) {
                long t0 = System.nanoTime();
                cli(home, "ls");
                ls[i] = (System.nanoTime() - t0) / 1e6;
                t0 = System.nanoTime();
                cli(Map.of("BRIGADE_QUICK_LS", "0"), home, "ls");
                lsJvm[i] = (System.nanoTime() - t0) / 1e6;
            }
            Map<String, Double> peers = new LinkedHashMap<>();
            Double pm2 = pm2Ls(lsRuns);
            if (pm2 != null) {
                peers.put("pm2", pm2);
            }
            String how = LAUNCHER != null ? "through the launcher (./brigade)" : "in a new JVM with the launcher's flags (no launcher found)";
            out.add(Figure.lower("manager.ls_ms", Stats.median(ls), "ms", peers,
                    "median of " + lsRuns + " whole `brigade ls` commands " + how + ", daemon running, after warm-ups"));
            out.add(Figure.lower("manager.ls_jvm_ms", Stats.median(lsJvm), "ms", peers,
                    "the same with BRIGADE_QUICK_LS=0: a command in a JVM of its own (picocli, CDS archive), as logs, monit or run, "
                            + "or any command while no daemon runs"));

            int startRuns = quick ? 1 : 3;
            Map<String, Double> startPeers = new LinkedHashMap<>();
            Double pm2Start = pm2StartListening(startRuns);
            if (pm2Start != null) {
                startPeers.put("pm2", pm2Start);
            }
            String hello = jar(JdkHello.class);
            String demo = String.join(java.io.File.pathSeparator, Arrays.stream(System.getProperty("java.class.path")
                    .split(java.io.File.pathSeparator)).filter(e -> e.contains("netty") || e.contains("demo-server")).toList());
            out.add(Figure.lower("manager.start_listening_ms", startListening(home, startRuns, hello, JdkHello.class.getName()), "ms",
                    startPeers, "median of " + startRuns + ": `brigade start -i 2 --port P` " + how + " of a hello app on the JDK's "
                            + "HttpServer (cluster mode) until HTTP answers came from 2 worker pids; pm2: `pm2 start ports.js -i 2` "
                            + "(hello app on Node's http), same end"));
            out.add(Figure.lower("manager.start_listening_demo_ms", startListening(home, startRuns, demo, DEMO_MAIN), "ms",
                    Map.of(), "the same with the Netty demo server (examples/demo-server)"));
            out.addAll(RestartFigures.run(quick));

            try (ControlSocket c = new ControlSocket(home.resolve("daemon.sock"))) {
                long daemonPid = c.daemonPid();
                for (int i = 0; i < 500; i++) {
                    c.request("{\"type\":\"list\"}");
                }
                for (int i = 0; i < 10; i++) {
                    c.request("{\"type\":\"restart\",\"target\":\"napper\"}");
                }
                long before = rss(daemonPid);
                double[] rtt = new double[requests];
                for (int i = 0; i < requests; i++) {
                    long t0 = System.nanoTime();
                    c.request("{\"type\":\"list\"}");
                    rtt[i] = (System.nanoTime() - t0) / 1e3;
                }
                out.add(Figure.lower("manager.ls_roundtrip_us", Stats.median(rtt), "us", Map.of(),
                        "median of " + requests + " list requests on one open control connection"));
                for (int i = 0; i < restarts; i++) {
                    String r = c.request("{\"type\":\"restart\",\"target\":\"napper\"}");
                    if (!r.contains("\"ok\"")) {
                        throw new IOException("restart " + i + " failed: " + r);
                    }
                }
                long after = rss(daemonPid);
                out.add(Figure.lower("manager.daemon_rss_growth_mb", (after - before) / 1048576.0, "MB", Map.of(),
                        "daemon RSS after " + requests + " requests and " + restarts + " restarts minus after a warm-up ("
                                + (before >> 20) + " MB -> " + (after >> 20) + " MB)"));
            }
            out.addAll(MetricsScrape.run(options, hello)); // /metrics: scrape time and the daemon's RSS with it on
        } finally {
            cli(home, "kill");
        }
        return out;
    }

    /**
     * Median wall time of {@code brigade start -i 2 --port P --cp CP MAIN} until both workers answered, in ms,
     * after a warm-up start (the workers' class-data archive is trained on the first one).
     */
    private static double startListening(Path home, int runs, String cp, String main) throws Exception {
        double[] t = new double[runs + 1];
        for (int i = 0; i <= runs; i++) {
            int port = freePort();
            long t0 = System.nanoTime();
            cli(home, "start", "--name", "web", "-i", "2", "--port", Integer.toString(port), "--cp", cp, main);
            waitForPids(port, 2, 60_000);
            t[i] = (System.nanoTime() - t0) / 1e6;
            cli(home, "delete", "web");
        }
        return Stats.median(Arrays.copyOfRange(t, 1, t.length));
    }

    /** The jar (or classes directory) a class was loaded from. */
    static String jar(Class<?> c) throws java.net.URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    /** The same for {@code pm2 start ports.js -i 2} (its daemon already running), or null without PM2. */
    private static Double pm2StartListening(int runs) throws InterruptedException {
        if (!NodePeer.available() || !NodePeer.ensurePackages("pm2@5")) {
            return null;
        }
        Path bin = NodePeer.cacheDir().resolve("node_modules").resolve("pm2").resolve("bin").resolve("pm2");
        Path pm2Home = null;
        try {
            Path script = NodePeer.script("ports.js");
            pm2Home = Files.createTempDirectory("brigade-bench-pm2-");
            List<String> pm2 = List.of("node", bin.toString());
            exec(concat(pm2, "ls"), Map.of("PM2_HOME", pm2Home.toString())); // its daemon, like brigade's, runs already
            double[] t = new double[runs];
            for (int i = 0; i < runs; i++) {
                int port = freePort();
                Map<String, String> env = Map.of("PM2_HOME", pm2Home.toString(), "PORT", Integer.toString(port));
                long t0 = System.nanoTime();
                exec(concat(pm2, "start", script.toString(), "-i", "2", "--name", "app", "--", "app"), env);
                waitForPids(port, 2, 60_000);
                t[i] = (System.nanoTime() - t0) / 1e6;
                exec(concat(pm2, "delete", "app"), env);
            }
            exec(concat(pm2, "kill"), Map.of("PM2_HOME", pm2Home.toString()));
            return Stats.median(t);
        } catch (IOException e) {
            System.err.println("bench: pm2 start peer left out: " + e.getMessage());
            return null;
        }
    }

    static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Sends GET / until answers came from {@code n} distinct pids ("hello from PID"). */
    static void waitForPids(int port, int n, long timeoutMs) throws IOException {
        java.util.Set<String> pids = new java.util.HashSet<>();
        long end = System.nanoTime() + timeoutMs * 1_000_000;
        while (pids.size() < n) {
            if (System.nanoTime() > end) {
                throw new IOException("only " + pids.size() + " of " + n + " workers answered on port " + port);
            }
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                s.setSoTimeout(5_000);
                s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes());
                String resp = new String(s.getInputStream().readAllBytes());
                int at = resp.indexOf("hello from ");
                if (at >= 0) {
                    pids.add(resp.substring(at + 11).trim());
                }
            } catch (IOException e) {
                java.util.concurrent.locks.LockSupport.parkNanos(200_000); // not listening yet
            }
        }
    }

    /** The launcher that started this bench (./brigade exports its path), or null when run otherwise. */
    static final String LAUNCHER = launcher();

    private static String launcher() {
        String l = System.getenv("BRIGADE_LAUNCHER");
        return l != null && Files.isExecutable(Path.of(l)) ? l : null;
    }

    /**
     * Runs {@code brigade COMMAND --home HOME ARGS} as a user does: through the launcher when there is one
     * (never rebuilding), else in a new JVM with the launcher's flags; fails unless it exits 0.
     */
    static void cli(Path home, String command, String... args) throws IOException, InterruptedException {
        cli(Map.of(), home, command, args);
    }

    static void cli(Map<String, String> env, Path home, String command, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        Map<String, String> all = new LinkedHashMap<>(env);
        if (LAUNCHER != null) {
            cmd.add(LAUNCHER);
            all.put("BRIGADE_NO_BUILD", "1");
        } else {
            cmd.add(ProcessHandle.current().info().command().orElse("java"));
            cmd.addAll(cliFlags(archiveDir));
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.brigade.manager.cli.Main"));
        }
        cmd.addAll(List.of(command, "--home", home.toString()));
        cmd.addAll(Arrays.asList(args));
        exec(cmd, all);
    }

    private static void exec(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        if (env != null) {
            pb.environment().putAll(env);
        }
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " timed out");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " exited with " + p.exitValue());
        }
    }

    /** Median wall time of {@code pm2 ls} with its daemon running (a private PM2_HOME), or null without PM2. */
    private static Double pm2Ls(int runs) throws InterruptedException {
        if (!NodePeer.available() || !NodePeer.ensurePackages("pm2@5")) {
            return null;
        }
        Path bin = NodePeer.cacheDir().resolve("node_modules").resolve("pm2").resolve("bin").resolve("pm2");
        Path pm2Home = null;
        try {
            pm2Home = Files.createTempDirectory("brigade-bench-pm2-");
            Map<String, String> env = Map.of("PM2_HOME", pm2Home.toString());
            List<String> pm2 = List.of("node", bin.toString());
            exec(concat(pm2, "start", "sleep", "--name", "napper", "--", "100000"), env);
            exec(concat(pm2, "ls"), env);
            double[] t = new double[runs];
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                exec(concat(pm2, "ls"), env);
                t[i] = (System.nanoTime() - t0) / 1e6;
            }
            exec(concat(pm2, "kill"), env);
            return Stats.median(t);
        } catch (IOException e) {
            System.err.println("bench: pm2 peer left out: " + e.getMessage());
            return null;
        }
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> l = new ArrayList<>(head);
        l.addAll(Arrays.asList(tail));
        return l;
    }

    /** The daemon's resident memory (ProcStat: the same /proc reading the cluster uses). */
    static long rss(long pid) throws IOException {
        long bytes = ProcStat.rssBytes(pid);
        if (bytes < 0) {
            throw new IOException("no VmRSS for pid " + pid + ": the daemon is gone");
        }
        return bytes;
    }

}
