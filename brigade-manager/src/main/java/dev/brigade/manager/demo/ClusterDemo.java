package dev.brigade.manager.demo;

import dev.brigade.cluster.Cluster;
import dev.brigade.cluster.ClusterEvent;
import dev.brigade.cluster.ClusterSettings;
import dev.brigade.cluster.ClusterWorker;
import dev.brigade.cluster.Signal;
import dev.brigade.cluster.ProcessEntry;
import dev.brigade.testing.HttpLoad;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/*
 * The cluster half of `brigade demo`: the bundled demo server (examples/demo-server, Netty, which
 * knows nothing of Brigade) on every core as a Brigade Cluster sharing one loopback port.
 *
 * It drives the Cluster API directly rather than going through a temporary daemon: it is the same
 * code the daemon runs for `brigade start -i max --port` (ClusterRun builds the same settings), it
 * needs no BRIGADE_HOME and no daemon start-up, and it sees every worker event (the exact moment a
 * replacement listens) without polling `ls`. Everything it starts is closed in a finally block.
 */
/** Cluster phases of the demo: spread, SIGKILL and replacement, rolling reload under load, memory. */
final class ClusterDemo {
    static final String DEMO_MAIN = "dev.brigade.examples.demo.DemoServer";
    private static final int CONNECTIONS = 8;

    /** What the cluster phases measured. */
    record Result(int workers, long served, Map<String, Long> failedByPhase, Map<String, Long> spread,
                  double requestsPerSecond, double p99Ms, long restartMs, boolean refusedAfterKill, int reloaded,
                  Map<Long, Long> memoryBytes, String memoryKind) {
    }

    private ClusterDemo() {
    }

    /** The demo server and Netty on this JVM's class path (the distribution's lib, or the test class path). */
    static String demoClassPath() {
        String cp = String.join(File.pathSeparator, Arrays.stream(System.getProperty("java.class.path", "")
                .split(File.pathSeparator)).filter(e -> e.contains("netty") || e.contains("demo-server")).toList());
        if (!cp.contains("demo-server")) {
            throw new IllegalStateException("the demo server (brigade-demo-server jar) is not on the class path: "
                    + "rebuild the distribution (mvn -B -DskipTests package -pl brigade-dist -am)");
        }
        return cp;
    }

    /** Held so the level sticks (JUL keeps loggers weakly). */
    private static final java.util.logging.Logger CLUSTER_LOG = java.util.logging.Logger.getLogger("dev.brigade.cluster");

    static Result run(PrintStream out, int workers) throws Exception {
        CLUSTER_LOG.setLevel(java.util.logging.Level.WARNING); // the demo reports restarts itself
        BlockingQueue<ClusterEvent.Listening> listening = new ArrayBlockingQueue<>(256);
        ClusterSettings settings = ClusterSettings.builder()
                .entry(ProcessEntry.mainClass(DEMO_MAIN, demoClassPath()))
                .profile(dev.brigade.cluster.StartupProfile.SMALL)
                .instances(workers)
                .listen("127.0.0.1", 0)
                .classDataArchive(false)
                .shutdownHook(true)
                .killTimeout(Duration.ofSeconds(5))
                .listenTimeout(Duration.ofSeconds(20))
                .output(line -> { })
                .build();
        Map<String, Long> failed = new LinkedHashMap<>();
        long served = 0;
        try (Cluster c = Cluster.create(settings)) {
            c.on(ClusterEvent.Listening.class, listening::offer);
            long t0 = System.nanoTime();
            c.fork();
            for (int i = 0; i < workers; i++) {
                if (listening.poll(25, TimeUnit.SECONDS) == null) {
                    throw new IllegalStateException("only " + i + " of " + workers + " workers listened within 25 s");
                }
            }
            int port = c.ports().get(0);
            out.printf("  cluster: %d workers of the demo server listening on 127.0.0.1:%d (one socket) after %d ms%n",
                    workers, port, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));

            out.println("  load: 3 s, " + CONNECTIONS + " clients, a new connection per request...");
            HttpLoad.Result spread = new HttpLoad("127.0.0.1", port, "/", CONNECTIONS, false).run(Duration.ofSeconds(3));
            failed.put("load", spread.failed());
            served += spread.ok();

            out.println("  kill: SIGKILL one worker under load...");
            HttpLoad killLoad = new HttpLoad("127.0.0.1", port, "/", CONNECTIONS, false);
            CompletableFuture<HttpLoad.Result> running = background(killLoad, Duration.ofSeconds(30));
            ClusterWorker victim = c.workers().get(0);
            listening.clear();
            long killed = System.nanoTime();
            victim.signal(Signal.SIGKILL);
            ClusterEvent.Listening back = listening.poll(20, TimeUnit.SECONDS);
            long restartMs = back == null ? -1 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            HttpLoad.Result afterKill = new HttpLoad("127.0.0.1", port, "/", 2, false).run(Duration.ofMillis(500));
            killLoad.stop();
            HttpLoad.Result kill = running.get(20, TimeUnit.SECONDS);
            failed.put("kill", kill.failed());
            served += kill.ok() + afterKill.ok();
            boolean refused = kill.failures().keySet().stream().anyMatch(k -> k.startsWith("ConnectException"));
            if (back != null) {
                out.printf("    worker pid %d killed; its replacement pid %d listened %d ms later%n", victim.pid(),
                        back.worker().pid(), restartMs);
            }

            out.println("  reload: rolling reload of every worker under load...");
            HttpLoad reloadLoad = new HttpLoad("127.0.0.1", port, "/", CONNECTIONS, false);
            CompletableFuture<HttpLoad.Result> during = background(reloadLoad, Duration.ofSeconds(40));
            int reloaded = c.reload().get(40, TimeUnit.SECONDS);
            reloadLoad.stop();
            HttpLoad.Result reload = during.get(20, TimeUnit.SECONDS);
            failed.put("reload", reload.failed());
            served += reload.ok();

            Map<Long, Long> memory = new LinkedHashMap<>();
            boolean pss = true;
            for (ClusterWorker w : c.workers()) {
                long[] m = memory(w.pid());
                pss &= m[1] == 1;
                memory.put(w.pid(), m[0]);
            }
            return new Result(workers, served, failed, spread.bodies(), spread.requestsPerSecond(), spread.p99Micros() / 1000,
                    restartMs, refused, reloaded, memory, pss ? "PSS" : "RSS");
        }
    }

    private static CompletableFuture<HttpLoad.Result> background(HttpLoad load, Duration max) {
        CompletableFuture<HttpLoad.Result> f = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("demo-load").start(() -> {
            try {
                f.complete(load.run(max));
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    /** {bytes, 1 if PSS else 0}: PSS from /proc/PID/smaps_rollup when readable, else RSS from /proc/PID/status. */
    static long[] memory(long pid) {
        long pss = field(Path.of("/proc", Long.toString(pid), "smaps_rollup"), "Pss:");
        if (pss > 0) {
            return new long[] {pss, 1};
        }
        return new long[] {Math.max(0, field(Path.of("/proc", Long.toString(pid), "status"), "VmRSS:")), 0};
    }

    private static long field(Path file, String name) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(name)) {
                    String[] p = line.substring(name.length()).trim().split("\\s+");
                    return Long.parseLong(p[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    static List<String> spreadLines(Map<String, Long> bodies, long total) {
        List<String> out = new ArrayList<>();
        bodies.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> out.add(String.format(
                "%s: %,d (%.0f%%)", e.getKey().replace("hello from ", "pid "), e.getValue(), 100.0 * e.getValue() / Math.max(1, total))));
        return out;
    }
}
