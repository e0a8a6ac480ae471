package dev.brigade.bench.manager;

import dev.brigade.bench.BenchOptions;
import dev.brigade.bench.Figure;
import dev.brigade.bench.Stats;
import dev.brigade.bench.Suite;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code brigade bench dashboard}: the web dashboard's figures (issue 15) against one daemon in a temporary
 * BRIGADE_HOME running 8 apps: 6 fork-mode apps of 4 {@code sleep} processes and 2 cluster-mode apps of 2
 * {@link JdkHello} JVMs (28 workers).
 *
 * <ul>
 *   <li>{@code dashboard.daemon_cpu_idle_pct}: the daemon's CPU (utime + stime from /proc/PID/stat) over a
 *       window with the dashboard off: its supervision alone, the baseline.</li>
 *   <li>{@code dashboard.daemon_cpu_3_clients_pct}: the same window with the dashboard on and 3 clients reading
 *       {@code /events} (what 3 open pages cost the daemon; the browsers' own CPU is theirs).</li>
 *   <li>{@code dashboard.kill_visible_ms}: a worker SIGKILLed until the event without its pid reached a client
 *       of {@code /events} (median of several kills; the max in the note).</li>
 *   <li>{@code dashboard.daemon_rss_mb}: the daemon's RSS once the dashboard streamed to 3 clients and
 *       {@code /metrics} was scraped 300 times on its port, minus its RSS before the dashboard was turned on.</li>
 * </ul>
 */
public final class DashboardSuite implements Suite {
    private static final Pattern URL = Pattern.compile("(http://\\S+/\\?token=([0-9a-f]+))");
    private static final Pattern PID = Pattern.compile("\"pid\":(\\d+),\"state\":\"online\"");
    private static final long TICKS = 100; // USER_HZ: 100 on every Linux architecture the JDK runs on

    @Override
    public String name() {
        return "dashboard";
    }

    @Override
    public List<Figure> run(BenchOptions options) throws Exception {
        boolean quick = options.quick();
        int windowSeconds = quick ? 10 : 60;
        int kills = quick ? 3 : 10;
        Path home = Files.createTempDirectory("brigade-bench-dashboard-");
        List<Figure> out = new ArrayList<>();
        List<Sse> clients = new ArrayList<>();
        try {
            String hello = Path.of(JdkHello.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
            for (int a = 0; a < 6; a++) {
                cli(home, "start", "--name", "sleeper" + a, "-i", "4", "--kill-timeout", "1s", "--", "sleep", "100000");
            }
            for (int a = 0; a < 2; a++) {
                int port = ManagerSuite.freePort();
                cli(home, "start", "--name", "hello" + a, "-i", "2", "--port", Integer.toString(port), "--kill-timeout", "2s",
                        "--listen-timeout", "120s", "--cp", hello, JdkHello.class.getName());
                ManagerSuite.waitForPids(port, 2, 120_000);
            }
            long pid = Long.parseLong(Files.readString(home.resolve("ls.pid")).trim().split(" ")[0]);
            settle();
            long rssOff = ManagerSuite.rss(pid);
            double idle = cpuPercent(pid, windowSeconds);

            Matcher m = URL.matcher(cli(home, "dashboard", "--port", "0"));
            if (!m.find()) {
                throw new IOException("brigade dashboard printed no URL");
            }
            URI page = URI.create(m.group(1));
            String base = "http://127.0.0.1:" + page.getPort();
            URI events = URI.create(base + "/events?token=" + m.group(2));
            for (int i = 0; i < 3; i++) {
                clients.add(Sse.open(events));
            }
            clients.get(0).awaitEvent(30_000);
            settle();
            double streaming = cpuPercent(pid, windowSeconds);

            double[] visible = new double[kills];
            for (int k = 0; k < kills; k++) {
                Sse c = clients.get(0);
                String last = c.awaitEvent(30_000);
                Matcher pm = PID.matcher(last.substring(last.indexOf("\"name\":\"sleeper" + (k % 6) + "\"")));
                if (!pm.find()) {
                    throw new IOException("no online sleeper" + (k % 6) + " worker in the stream");
                }
                String victim = "\"pid\":" + pm.group(1) + ",";
                long t0 = System.nanoTime();
                ProcessHandle.of(Long.parseLong(pm.group(1))).orElseThrow().destroyForcibly();
                long seen = c.awaitWithout(victim, t0, 30_000);
                visible[k] = (seen - t0) / 1e6;
                settle();
            }
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest get = HttpRequest.newBuilder(URI.create(base + "/metrics")).timeout(Duration.ofSeconds(10)).build();
            for (int i = 0; i < 300; i++) {
                HttpResponse<String> r = http.send(get, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    throw new IOException("GET /metrics on the dashboard's port answered " + r.statusCode());
                }
            }
            settle();
            long rssOn = ManagerSuite.rss(pid);

            String apps = "8 apps (6 fork x 4 sleep, 2 cluster x 2 JDK HttpServer JVMs)";
            out.add(Figure.lower("dashboard.daemon_cpu_idle_pct", idle, "%", Map.of(),
                    "daemon CPU (% of one core, /proc/PID/stat) over " + windowSeconds + " s, dashboard off, " + apps));
            out.add(Figure.lower("dashboard.daemon_cpu_3_clients_pct", streaming, "%", Map.of(),
                    "the same window with the dashboard on and 3 clients reading /events (" + clients.get(0).events()
                            + " events each so far)"));
            out.add(Figure.lower("dashboard.kill_visible_ms", Stats.median(visible), "ms", Map.of(),
                    "median of " + kills + " SIGKILLs of a fork-mode worker until an /events message without its pid arrived (max "
                            + Math.round(Arrays.stream(visible).max().orElse(0)) + " ms)"));
            out.add(Figure.lower("dashboard.daemon_rss_mb", (rssOn - rssOff) / 1048576.0, "MB", Map.of(),
                    "daemon RSS after the dashboard streamed to 3 clients and /metrics was scraped 300 times on its port, minus before ("
                            + (rssOff >> 20) + " MB -> " + (rssOn >> 20) + " MB)"));
        } finally {
            clients.forEach(Sse::close);
            try {
                cli(home, "kill");
            } catch (IOException e) {
                System.err.println("bench dashboard: " + e.getMessage());
            }
        }
        return out;
    }

    /** Lets the daemon finish what the last step started (JIT, restarts) before a reading. */
    private static void settle() throws InterruptedException {
        Thread.sleep(3000); // a bench pause, not a test's synchronisation
    }

    /** The process's CPU over {@code seconds}, in % of one core. */
    static double cpuPercent(long pid, int seconds) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        long c0 = cpuTicks(pid);
        Thread.sleep(seconds * 1000L); // the measuring window
        long c1 = cpuTicks(pid);
        double wall = (System.nanoTime() - t0) / 1e9;
        return 100.0 * (c1 - c0) / TICKS / wall;
    }

    /** utime + stime of {@code pid}, in clock ticks. */
    static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of proc(5)
    }

    /** Runs {@code brigade COMMAND --home HOME ARGS} (as ManagerSuite does) and returns what it printed. */
    static String cli(Path home, String command, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        Map<String, String> env = new LinkedHashMap<>();
        if (ManagerSuite.LAUNCHER != null) {
            cmd.add(ManagerSuite.LAUNCHER);
            env.put("BRIGADE_NO_BUILD", "1");
        } else {
            cmd.add(ProcessHandle.current().info().command().orElse("java"));
            cmd.addAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                    "dev.brigade.manager.cli.Main"));
        }
        cmd.addAll(List.of(command, "--home", home.toString()));
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] printed = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " failed: " + new String(printed, StandardCharsets.UTF_8));
        }
        return new String(printed, StandardCharsets.UTF_8);
    }

    /** A client of /events on a thread of its own: the last message and when it came. */
    static final class Sse implements AutoCloseable {
        private final HttpURLConnectionReader reader;

        private Sse(HttpURLConnectionReader reader) {
            this.reader = reader;
        }

        static Sse open(URI uri) throws IOException {
            return new Sse(new HttpURLConnectionReader(uri));
        }

        long events() {
            return reader.count();
        }

        /** The next message (waits up to {@code ms}). */
        String awaitEvent(long ms) throws IOException, InterruptedException {
            return reader.next(reader.count(), ms);
        }

        /** When the first message after {@code since} (nanoTime) without {@code text} came. */
        long awaitWithout(String text, long since, long ms) throws IOException, InterruptedException {
            return reader.firstWithout(text, since, ms);
        }

        @Override
        public void close() {
            reader.close();
        }
    }

    /** Reads {@code data:} lines of a server-sent event stream (the JDK's HttpURLConnection, one thread). */
    static final class HttpURLConnectionReader implements AutoCloseable {
        private final java.net.HttpURLConnection conn;
        private final Thread thread;
        private final List<long[]> times = new ArrayList<>(); // guarded by this: {nanoTime}
        private final List<String> data = new ArrayList<>();  // guarded by this
        private volatile IOException failure;

        HttpURLConnectionReader(URI uri) throws IOException {
            conn = (java.net.HttpURLConnection) uri.toURL().openConnection();
            conn.setReadTimeout(60_000);
            if (conn.getResponseCode() != 200) {
                throw new IOException("GET /events answered " + conn.getResponseCode());
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(conn.getInputStream(), StandardCharsets.UTF_8));
            thread = Thread.ofPlatform().daemon().name("bench-sse").start(() -> {
                try {
                    for (String line; (line = in.readLine()) != null; ) {
                        if (line.startsWith("data: ")) {
                            long now = System.nanoTime();
                            synchronized (this) {
                                times.add(new long[] {now});
                                data.add(line.substring(6));
                                if (data.size() > 64) { // keep the recent ones only
                                    data.set(data.size() - 65, null);
                                }
                                notifyAll();
                            }
                        }
                    }
                } catch (IOException e) {
                    failure = e;
                }
            });
        }

        synchronized long count() {
            return data.size();
        }

        synchronized String next(long after, long ms) throws IOException, InterruptedException {
            long end = System.currentTimeMillis() + ms;
            while (data.size() <= after) {
                check(end);
                wait(Math.max(1, end - System.currentTimeMillis()));
            }
            return data.get(data.size() - 1);
        }

        synchronized long firstWithout(String text, long since, long ms) throws IOException, InterruptedException {
            long end = System.currentTimeMillis() + ms;
            int from = 0;
            while (true) {
                for (int i = from; i < data.size(); i++) {
                    if (times.get(i)[0] >= since && data.get(i) != null && !data.get(i).contains(text)) {
                        return times.get(i)[0];
                    }
                }
                from = data.size();
                check(end);
                wait(Math.max(1, end - System.currentTimeMillis()));
            }
        }

        private void check(long end) throws IOException {
            if (failure != null) {
                throw failure;
            }
            if (System.currentTimeMillis() >= end) {
                throw new IOException("no such /events message in time");
            }
        }

        @Override
        public void close() {
            conn.disconnect();
            thread.interrupt();
        }
    }
}
