package dev.brigade.bench.cluster;

import dev.brigade.cluster.internal.ProcStat;
import dev.brigade.cluster.Cluster;
import dev.brigade.cluster.ClusterEvent;
import dev.brigade.cluster.ClusterSettings;
import dev.brigade.cluster.ClusterWorker;
import dev.brigade.cluster.RestartPolicy;
import dev.brigade.cluster.Signal;
import dev.brigade.cluster.ProcessEntry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The measurements of {@code brigade bench cluster}, each on real worker JVMs. */
final class ClusterProbes {
    private static final Duration T = Duration.ofSeconds(30);
    /** How long workers idle before their PSS is read; the Node peer (cluster.js) waits as long. */
    static final long IDLE_MILLIS = 5000;

    static ClusterSettings.Builder settings(List<Path> classPath) {
        return ClusterSettings.builder().entry(ProcessEntry.mainClass(ProbeWorker.class.getName(), classPath))
                .profile(dev.brigade.cluster.StartupProfile.SMALL)
                .instances(1).classDataArchive(false).shutdownHook(false).output(line -> { });
    }

    /**
     * This JVM's class path with the entry that holds {@link ProbeWorker} first, laid out as an app
     * is ({@code java -cp app.jar:lib/*}): the class loader opens jars in order until it finds a
     * class, and keeps each one it opened, so the place of the main class in a class path that
     * {@code lib/*} expanded in directory order would otherwise decide a part of the figure.
     */
    static List<Path> classPath() {
        List<Path> cp = new ArrayList<>(List.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator)).stream()
                .filter(s -> !s.isEmpty()).map(Path::of).toList());
        try {
            Path app = Path.of(ProbeWorker.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (cp.remove(app)) {
                cp.add(0, app);
            }
        } catch (java.net.URISyntaxException | RuntimeException e) {
            // keep the order as it is
        }
        return List.copyOf(cp);
    }

    /** fork → online, one worker at a time, milliseconds per start. */
    static double[] forkOnline(ClusterSettings settings, int n) throws Exception {
        double[] ms = new double[n];
        try (Cluster c = Cluster.create(settings)) {
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                ClusterWorker w = c.fork(1).get(0);
                w.online().get(T.toMillis(), TimeUnit.MILLISECONDS);
                ms[i] = (System.nanoTime() - t0) / 1e6;
                w.disconnect().get(T.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
        return ms;
    }

    /** Request/reply round trips primary → worker → primary, microseconds each. */
    static double[] ipcRoundTrips(int warmup, int n) throws Exception {
        try (Cluster c = Cluster.create(settings(classPath()).build())) {
            ClusterWorker w = c.fork(1).get(0);
            w.online().get(T.toMillis(), TimeUnit.MILLISECONDS);
            for (int i = 0; i < warmup; i++) {
                w.request("ping", T).get();
            }
            double[] us = new double[n];
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                w.request("ping", T).get();
                us[i] = (System.nanoTime() - t0) / 1e3;
            }
            return us;
        }
    }

    /**
     * PSS of idle workers (MB), two at once, after they answered one request and idled for
     * {@link #IDLE_MILLIS}: past the JVM's periodic housekeeping (the SMALL profile returns freed C
     * heap every 2 s), as the Node peer waits past V8's idle-time collection.
     */
    static double[] idlePssMb(ClusterSettings settings) throws Exception {
        try (Cluster c = Cluster.create(settings.toBuilder().instances(2).build())) {
            List<ClusterWorker> ws = c.fork();
            for (ClusterWorker w : ws) {
                w.request("ping", T).get(T.toMillis(), TimeUnit.MILLISECONDS);
            }
            Thread.sleep(IDLE_MILLIS); // an idle worker is the subject, not one that just started
            double[] mb = new double[ws.size()];
            for (int i = 0; i < mb.length; i++) {
                mb[i] = ProcStat.pssBytes(ws.get(i).pid()) / (1024.0 * 1024.0);
            }
            return mb;
        }
    }

    /** SIGKILL of a worker → its replacement online, milliseconds, with no backoff (each crash a first one). */
    static double[] restart(int n) throws Exception {
        RestartPolicy policy = RestartPolicy.defaults().withStableAfter(Duration.ofMillis(1)).withCrashLoop(n + 10, Duration.ofMinutes(5));
        try (Cluster c = Cluster.create(settings(classPath()).restart(policy).build())) {
            LinkedBlockingQueue<ClusterWorker> online = new LinkedBlockingQueue<>();
            c.on(ClusterEvent.Online.class, e -> online.add(e.worker()));
            c.fork(1);
            ClusterWorker w = online.poll(T.toMillis(), TimeUnit.MILLISECONDS);
            double[] ms = new double[n];
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                w.signal(Signal.SIGKILL);
                w = online.poll(T.toMillis(), TimeUnit.MILLISECONDS);
                if (w == null) {
                    throw new IllegalStateException("no replacement online within " + T.toSeconds() + " s");
                }
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            return ms;
        }
    }

    /** Starts a primary JVM with two workers, SIGKILLs it: {orphans alive after 1 s, ms until all gone}. */
    static double[] primaryKill() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                ProbeWorker.class.getName(), "primary").redirectErrorStream(true).start();
        List<Long> pids = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            for (String l; pids.size() < 2 && (l = r.readLine()) != null; ) {
                if (l.startsWith("online ")) {
                    pids.add(Long.parseLong(l.substring(7)));
                }
            }
            long t0 = System.nanoTime();
            p.destroyForcibly().waitFor();
            long orphansAt1s = -1;
            while (true) {
                long alive = pids.stream().filter(ClusterProbes::running).count();
                double ms = (System.nanoTime() - t0) / 1e6;
                if (orphansAt1s < 0 && ms >= 1000) {
                    orphansAt1s = alive;
                }
                if (alive == 0) {
                    return new double[] {Math.max(orphansAt1s, 0), ms};
                }
                if (ms > 10_000) {
                    pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
                    return new double[] {orphansAt1s, ms};
                }
                Thread.sleep(1); // polling /proc: the processes are not ours to wait for
            }
        }
    }

    static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException gone) {
            return false;
        }
    }

}
