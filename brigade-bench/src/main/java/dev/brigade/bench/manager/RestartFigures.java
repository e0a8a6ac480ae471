package dev.brigade.bench.manager;

import dev.brigade.bench.Figure;
import dev.brigade.bench.Stats;
import dev.brigade.bench.manager.boot.BootJar;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * {@code manager.restart_listening_ms_demo} and {@code manager.restart_listening_ms_springboot}: how long a restart
 * takes until the app answers HTTP again, under Brigade (cluster mode, one worker, started from the app's class-data
 * archive) and, peer {@code java_jar}, as the same jar started by plain {@code java -jar} with the same JDK (stopped
 * with SIGTERM, started again), runs alternating in the same run. And, for a new version of the jar, which Brigade
 * has no archive of yet: {@code manager.first_start_at_once_listening_ms_*}, the same restart right after the jar was
 * written (the standby is of the old version: a new JVM starts); {@code manager.first_start_listening_ms_*}, the
 * restart once Brigade has replaced its standby by one of the new version; and
 * {@code manager.recording_restart_listening_ms_*}: the restart after it, which takes the standby that records one.
 */
final class RestartFigures {
    private static final String ARCHIVE_READY = "new processes start from it";
    private static final int RECORD_SECONDS = 12;
    private static final long POLL_MILLIS = 10;

    private RestartFigures() {
    }

    /** A sample app: its name in the figures, and how to write version {@code v} of its jar. */
    private interface Sample {
        String name();

        Path write(Path jar, String version) throws IOException;
    }

    /**
     * Runs these figures alone: {@code java -cp 'brigade-dist/target/lib/*' dev.brigade.bench.manager.RestartFigures
     * [--quick] [demo|springboot]...} (all samples when none is named); prints one line per figure.
     */
    public static void main(String[] args) throws Exception {
        List<String> a = Arrays.asList(args);
        for (Figure f : run(a.contains("--quick"), a.stream().filter(x -> !x.startsWith("--")).toList())) {
            System.out.println(f);
        }
    }

    static List<Figure> run(boolean quick) throws Exception {
        return run(quick, List.of());
    }

    private static List<Figure> run(boolean quick, List<String> only) throws Exception {
        int runs = quick ? 5 : 7;
        int firstRuns = quick ? 1 : 3;
        List<Figure> out = new ArrayList<>();
        Sample demo = new Sample() {
            public String name() {
                return "demo";
            }

            public Path write(Path jar, String version) throws IOException {
                return demoJar(jar, version);
            }
        };
        Sample boot = new Sample() {
            public String name() {
                return "springboot";
            }

            public Path write(Path jar, String version) throws IOException {
                return BootJar.write(jar, version);
            }
        };
        for (Sample s : List.of(demo, boot)) {
            if (!only.isEmpty() && !only.contains(s.name())) {
                continue;
            }
            try {
                out.addAll(measure(s, runs, firstRuns));
            } catch (IOException e) {
                System.err.println("bench: manager.restart_listening_ms_" + s.name() + " left out: " + e.getMessage());
            }
        }
        return out;
    }

    private static List<Figure> measure(Sample sample, int runs, int firstRuns) throws Exception {
        Path home = Files.createTempDirectory("brigade-bench-restart-home-");
        Path cache = Files.createTempDirectory("brigade-bench-restart-cache-");
        Path dir = Files.createTempDirectory("brigade-bench-restart-app-");
        Map<String, String> env = Map.of("BRIGADE_CACHE", cache.toString(), "BRIGADE_ARCHIVE_RECORD_SECONDS", Integer.toString(RECORD_SECONDS));
        Path jar = sample.write(dir.resolve(sample.name() + ".jar"), "v1");
        int port = ManagerSuite.freePort();
        int peerPort = ManagerSuite.freePort();
        Process peer = null;
        try {
            try {
                ManagerSuite.cli(env, home, "start", "--name", "app", "--port", Integer.toString(port), "--host", "127.0.0.1",
                        "--listen-timeout", "180s", jar.toString());
            } catch (IOException e) {
                // on a loaded machine a first worker may miss its heartbeats and be replaced: start then says so (exit 1)
                System.err.println("bench: " + e.getMessage() + "; waiting for the app to answer");
            }
            answerNotFrom(port, null);
            String java;
            {
                Path c = home.resolve("daemon.sock"); // a connection per request: the daemon closes one idle for 10 s
                // the first start of a version records nothing: the standby started after it records, once a restart took it
                awaitStandby(c);
                restart(c, port);
                String d = awaitArchive(c);
                int at = d.indexOf("\"javaBin\":\"") + 11;
                java = d.substring(at, d.indexOf('"', at));
                peer = plain(java, jar, peerPort);
                answerNotFrom(peerPort, null);
                double[] brigade = new double[runs];
                double[] plain = new double[runs];
                for (int i = 0; i < runs; i++) {
                    awaitStandby(c);
                    settle();
                    brigade[i] = restart(c, port);
                    awaitStandby(c); // its start is Brigade's background work: not during the peer's run
                    settle();
                    long t0 = System.nanoTime();
                    peer = restartPlain(peer, java, jar, peerPort);
                    plain[i] = (System.nanoTime() - t0) / 1e6;
                    System.err.printf("bench: %s restart %d: brigade %.0f ms, java_jar %.0f ms%n", sample.name(), i + 1, brigade[i], plain[i]);
                }
                double[] atOnce = new double[firstRuns];
                double[] atOncePlain = new double[firstRuns];
                double[] first = new double[firstRuns];
                double[] firstPlain = new double[firstRuns];
                double[] second = new double[firstRuns];
                double[] secondPlain = new double[firstRuns];
                int version = 2;
                for (int i = 0; i < firstRuns; i++) {
                    // a new version, restarted at once (a script's copy, then its restart): the standby is of the old
                    // version, and the new one starts from a new JVM
                    awaitStandby(c);
                    settle();
                    sample.write(jar, "v" + version++);
                    atOnce[i] = restart(c, port);
                    awaitStandby(c);
                    settle();
                    long t0 = System.nanoTime();
                    peer = restartPlain(peer, java, jar, peerPort);
                    atOncePlain[i] = (System.nanoTime() - t0) / 1e6;
                    // a new version, restarted once Brigade has replaced its standby by one of it (a deploy, then a
                    // restart a few seconds later)
                    String old = awaitStandby(c);
                    sample.write(jar, "v" + version++); // no archive of it yet
                    if (awaitStandbyOtherThan(c, old).equals(old)) {
                        System.err.println("bench: " + sample.name() + ": no standby of the new version within 10 s: this run starts a new JVM");
                    }
                    settle();
                    first[i] = restart(c, port);
                    awaitStandby(c); // the standby that records the new version
                    settle();
                    t0 = System.nanoTime();
                    peer = restartPlain(peer, java, jar, peerPort);
                    firstPlain[i] = (System.nanoTime() - t0) / 1e6;
                    settle();
                    second[i] = restart(c, port); // takes the recording standby
                    settle();
                    t0 = System.nanoTime();
                    peer = restartPlain(peer, java, jar, peerPort);
                    secondPlain[i] = (System.nanoTime() - t0) / 1e6;
                    System.err.printf("bench: %s first start %d: restarted at once: brigade %.0f ms, java_jar %.0f ms; restarted once the"
                            + " standby is of it: brigade %.0f ms, java_jar %.0f ms; the restart after it (recording): brigade %.0f ms,"
                            + " java_jar %.0f ms%n", sample.name(), i + 1, atOnce[i], atOncePlain[i], first[i], firstPlain[i], second[i], secondPlain[i]);
                    awaitArchive(c); // its recording done: nothing assembles in the background of the next run
                }
                String n = sample.name();
                String how = "`brigade restart` (control request) of the " + ("demo".equals(n) ? "Netty demo server" : "Spring Boot 3.5 sample (executable jar)")
                        + " in cluster mode, one worker, until HTTP answered from the new pid (polled every " + POLL_MILLIS + " ms); java_jar: the same jar, plain `java -jar` with "
                        + java + ", SIGTERM then started again, same end; runs alternating, each once the machine is quiet"
                        + " (under 25% CPU over 300 ms, at most 5 s)";
                return List.of(
                        Figure.lower("manager.restart_listening_ms_" + n, Stats.median(brigade), "ms",
                                peers(Stats.median(plain)), "median of " + runs + ": " + how + "; Brigade starts from the app's class-data archive"),
                        Figure.lower("manager.first_start_listening_ms_" + n, Stats.median(first), "ms",
                                peers(Stats.median(firstPlain)), "median of " + firstRuns + ": the same restart after a new version of "
                                        + "the jar was written (no archive of it yet), once Brigade has replaced its standby worker by one of "
                                        + "the new version (it does within a second or two of the copy)"),
                        Figure.lower("manager.first_start_at_once_listening_ms_" + n, Stats.median(atOnce), "ms",
                                peers(Stats.median(atOncePlain)), "median of " + firstRuns + ": the same restart right after a new version "
                                        + "of the jar was written, as a script's next step: no archive of it, and the standby is of the old "
                                        + "version, so a new JVM starts"),
                        Figure.lower("manager.recording_restart_listening_ms_" + n, Stats.median(second), "ms",
                                peers(Stats.median(secondPlain)), "median of " + firstRuns + ": the restart after that first start: it takes"
                                        + " the standby worker that records the new version's archive (it writes it " + RECORD_SECONDS
                                        + " s later here; by default as it exits)"));
            }
        } finally {
            if (peer != null) {
                peer.destroyForcibly();
            }
            try {
                ManagerSuite.cli(home, "kill");
            } catch (IOException e) {
                System.err.println("bench: " + e.getMessage()); // the daemon is gone already: what failed before matters
            } finally {
                for (Path p : List.of(cache, dir)) {
                    try (var walk = Files.walk(p)) {
                        walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                    }
                }
            }
        }
    }

    /**
     * Waits until the machine is quiet, at most 5 s: a JVM that just answered its first request compiles and collects
     * for a second or more, and the other side's next run would measure that (each side's runs follow the other's).
     * Quiet: under a quarter of the CPUs busy over 300 ms, from /proc/stat. A loaded machine never is: 5 s, then on.
     */
    private static void settle() {
        long end = System.nanoTime() + 5_000_000_000L;
        long[] prev = cpuTicks();
        while (prev != null && System.nanoTime() < end) {
            java.util.concurrent.locks.LockSupport.parkNanos(300_000_000L);
            long[] now = cpuTicks();
            if (now == null) {
                return;
            }
            long busy = now[0] - prev[0];
            long total = now[1] - prev[1];
            prev = now;
            if (total > 0 && busy * 4 < total) {
                return;
            }
        }
    }

    /** {busy, total} jiffies of all CPUs since boot, or null where /proc/stat cannot be read. */
    private static long[] cpuTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            long total = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) {
                total += Long.parseLong(f[i]);
            }
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Map<String, Double> peers(double javaJar) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("java_jar", javaJar);
        return m;
    }

    private static String request(Path socket, String json) throws IOException {
        try (ControlSocket c = new ControlSocket(socket)) {
            return c.request(json);
        }
    }

    /**
     * Waits (at most 10 s) until the app's standby worker is ready, or there is none to wait for: Brigade starts one
     * a second after a worker serves, which a restart then takes (a run right after a restart, sooner than a user's
     * next restart would come, would measure a start without it, and the peer's run would share the CPU with it).
     */
    private static String awaitStandby(Path c) throws IOException, InterruptedException {
        return awaitStandbyOtherThan(c, null);
    }

    /**
     * {@link #awaitStandby}, for a standby other than {@code old} (what this returned before): once a new version of
     * the jar is written, Brigade replaces its standby by one of the new version. Returns what describe shows of it.
     */
    private static String awaitStandbyOtherThan(Path c, String old) throws IOException, InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        String s = "";
        while (System.nanoTime() < end) {
            String d = request(c, "{\"type\":\"describe\",\"target\":\"app\"}");
            int at = d.indexOf("\"standby\":\"");
            s = at < 0 ? "" : d.substring(at + 11, Math.max(at + 11, d.indexOf('"', at + 11)));
            if (at < 0 || s.equals("off") || s.startsWith("none:") || s.contains("(ready") && !s.equals(old)) {
                return s;
            }
            Thread.sleep(100);
        }
        return s;
    }

    /** Waits until the app's archive exists (at most 3 minutes); the describe answer. */
    private static String awaitArchive(Path c) throws IOException, InterruptedException {
        long end = System.nanoTime() + 180_000_000_000L;
        while (true) {
            String d = request(c, "{\"type\":\"describe\",\"target\":\"app\"}");
            if (d.contains(ARCHIVE_READY)) {
                return d;
            }
            if (System.nanoTime() > end) {
                throw new IOException("the app's class-data archive was not ready within 3 minutes: " + d);
            }
            Thread.sleep(250);
        }
    }

    /**
     * One restart through the control socket until a new pid answers; its wall time in ms. The request is sent on a
     * thread of its own: its answer comes once the old worker has drained and exited, which may be after the new one
     * answers (the figure is restart → listening); it must still say ok.
     */
    private static double restart(Path c, int port) throws IOException {
        String old = answer(port);
        long t0 = System.nanoTime();
        java.util.concurrent.CompletableFuture<String> r = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return request(c, "{\"type\":\"restart\",\"target\":\"app\"}");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        answerNotFrom(port, old);
        double ms = (System.nanoTime() - t0) / 1e6;
        String answer;
        try {
            answer = r.get(3, java.util.concurrent.TimeUnit.MINUTES);
        } catch (Exception e) {
            throw new IOException("restart failed: " + e, e);
        }
        if (!answer.contains("\"ok\"")) {
            throw new IOException("restart failed: " + answer);
        }
        return ms;
    }

    private static Process plain(String java, Path jar, int port) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(java, "-jar", jar.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("PORT", Integer.toString(port));
        pb.environment().put("SERVER_PORT", Integer.toString(port));
        return pb.start();
    }

    private static Process restartPlain(Process p, String java, Path jar, int port) throws IOException, InterruptedException {
        String old = answer(port);
        p.destroy(); // SIGTERM, as Brigade stops a worker
        p.waitFor();
        Process next = plain(java, jar, port);
        answerNotFrom(port, old);
        return next;
    }

    /** The body of {@code GET /} ("hello from PID"), or null when nothing answers. */
    private static String answer(int port) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes());
            String resp = new String(s.getInputStream().readAllBytes());
            int at = resp.indexOf("hello from ");
            return at < 0 ? null : resp.substring(at).trim();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Polls every {@value #POLL_MILLIS} ms until a process other than the one that answered {@code old} answers (at most
     * 3 minutes). Not faster: under Brigade the old worker answers every poll until the new one takes over, where the
     * plain JVM's port refuses it at once; polled every 2 ms, that HTTP exchange (a new connection each, both ends)
     * took enough of this 2-core machine's CPU from the JVM starting beside it to measure the polling (a new JVM's
     * start: 367 ms polled every 2 ms, 314 ms every 10 ms; plain `java -jar` 306 and 296, same runs).
     */
    private static void answerNotFrom(int port, String old) throws IOException {
        long end = System.nanoTime() + 180_000_000_000L;
        while (true) {
            String a = answer(port);
            if (a != null && !a.equals(old)) {
                return;
            }
            if (System.nanoTime() > end) {
                throw new IOException("no new process answered on port " + port + " within 3 minutes");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(POLL_MILLIS * 1_000_000L);
        }
    }

    /** The demo server as a runnable jar: its Main-Class, and a Class-Path naming its jars (and Netty's) where they are. */
    static Path demoJar(Path jar, String version) throws IOException {
        List<String> cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> e.contains("netty") || e.contains("demo-server")).toList();
        if (cp.stream().noneMatch(e -> e.endsWith(".jar") && e.contains("demo-server"))) {
            throw new IOException("the demo server is not a jar on this class path: " + cp);
        }
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.put(Attributes.Name.MAIN_CLASS, "dev.brigade.examples.demo.DemoServer");
        // relative to the jar's directory, as a packaged app's manifest has them: the JVM's class-data sharing resolves
        // every Class-Path entry against that directory, an absolute one too, so with absolute entries none of the
        // app's classes would be archived (the URL class loader still finds them: the app would run, unarchived)
        Path base = jar.toAbsolutePath().getParent();
        a.put(Attributes.Name.CLASS_PATH, String.join(" ", cp.stream()
                .map(e -> base.relativize(Path.of(e).toAbsolutePath()).toString().replace(File.separatorChar, '/')).toList()));
        a.put(Attributes.Name.IMPLEMENTATION_VERSION, version);
        Path tmp = jar.resolveSibling(jar.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp); JarOutputStream j = new JarOutputStream(out, m)) {
            j.flush();
        }
        Files.move(tmp, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return jar;
    }
}
