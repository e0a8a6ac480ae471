package dev.brigade.manager.demo;

import dev.brigade.examples.demo.HashWork;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ./brigade demo}: first the cluster ({@link ClusterDemo}): the bundled demo server on every
 * core sharing one loopback port, under load, a worker SIGKILLed and replaced, a rolling reload
 * under load; then the worker pool: a real HTTP server whose CPU-heavy endpoint runs first inline
 * on its request threads, then on Brigade worker threads, under the same load, while a cheap
 * endpoint is timed next to it. Bounded (about 35 s, at most 60), loopback only, leaves nothing
 * running; the exit code is 0 only if every check held.
 */
public final class Demo {
    private static final Duration PHASE = Duration.ofSeconds(4);
    private static final int HASH_CLIENTS = 8;

    private Demo() {
    }

    /** Runs the demo, writing to {@code out}; returns the process exit code. */
    public static int run(PrintStream out) {
        try {
            return runPhases(out);
        } catch (Exception e) {
            out.println("demo failed: " + e);
            return 1;
        }
    }

    private static int runPhases(PrintStream out) throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        List<String> failures = new ArrayList<>();
        int clusterWorkers = Math.max(2, cores);
        out.printf("Brigade demo (%d cores, Java %s)%n%n", cores, Runtime.version());
        out.printf("Part 1: cluster mode, the demo server (Netty, unmodified) on %d worker JVMs sharing one port%n", clusterWorkers);
        ClusterDemo.Result cl = ClusterDemo.run(out, clusterWorkers);
        out.println();
        out.printf("  %-34s %,d%n", "requests served", cl.served());
        cl.failedByPhase().forEach((phase, n) -> out.printf("  %-34s %,d%n", "failed requests (" + phase + ")", n));
        out.printf("  %-34s %,.0f req/s, p99 %.2f ms%n", "throughput (load phase)", cl.requestsPerSecond(), cl.p99Ms());
        long spreadTotal = cl.spread().values().stream().mapToLong(Long::longValue).sum();
        out.printf("  %-34s %s%n", "distribution across workers", String.join(", ", ClusterDemo.spreadLines(cl.spread(), spreadTotal)));
        out.printf("  %-34s %s%n", "restart after SIGKILL", cl.restartMs() < 0 ? "no replacement" : cl.restartMs() + " ms to listening");
        out.printf("  %-34s %d of %d workers%n", "rolling reload replaced", cl.reloaded(), cl.workers());
        List<String> mem = new ArrayList<>();
        cl.memoryBytes().forEach((pid, b) -> mem.add(String.format("pid %d %.1f MB", pid, b / 1048576.0)));
        out.printf("  %-34s %s%n%n", "memory per worker (" + cl.memoryKind() + ")", String.join(", ", mem));
        check(out, failures, cl.failedByPhase().get("load") == 0, "no request failed under load");
        check(out, failures, cl.spread().size() == clusterWorkers, "every worker served requests (" + cl.spread().size() + " of " + clusterWorkers + ")");
        check(out, failures, cl.restartMs() >= 0, "the killed worker was replaced and its replacement listened");
        check(out, failures, !cl.refusedAfterKill() && cl.failedByPhase().get("kill") <= 8,
                "the kill refused no connection; at most the killed worker's in-flight requests failed ("
                + cl.failedByPhase().get("kill") + ")");
        check(out, failures, cl.failedByPhase().get("reload") == 0 && cl.reloaded() == clusterWorkers,
                "the rolling reload under load failed no request");
        out.println();

        out.println("Part 2: CPU work inline vs on a WorkerPool (threads, one JVM)");
        HashWork work = HashWork.calibrated(5.0);
        out.printf("  /hash = PBKDF2-SHA256, %,d iterations (~5 ms); /cheap answers at once; %d hash clients + 1 timed /cheap client, %d s per phase%n%n",
                work.iterations(), HASH_CLIENTS, PHASE.toSeconds());

        LoadDriver.Result inline;
        try (DemoServer server = new DemoServer(work, null)) {
            out.println("  phase 1: hashing inline on the request threads...");
            inline = LoadDriver.run(server.port(), HASH_CLIENTS, PHASE);
        }
        LoadDriver.Result offloaded;
        long pooled;
        try (HashWorkers workers = new HashWorkers(cores, work); DemoServer server = new DemoServer(work, workers)) {
            out.printf("  phase 2: hashing on a Brigade WorkerPool of %d threads...%n", cores);
            offloaded = LoadDriver.run(server.port(), HASH_CLIENTS, PHASE);
            pooled = workers.completed();
        }
        out.println();
        out.printf("  %-28s %12s %12s%n", "", "inline", "pool");
        out.printf("  %-28s %12.0f %12.0f%n", "hash requests/s", inline.hashesPerSecond(), offloaded.hashesPerSecond());
        out.printf("  %-28s %12.2f %12.2f%n", "/cheap latency p50 (ms)", inline.cheapP50Ms(), offloaded.cheapP50Ms());
        out.printf("  %-28s %12.2f %12.2f%n", "/cheap latency p99 (ms)", inline.cheapP99Ms(), offloaded.cheapP99Ms());
        out.printf("  %-28s %12d %12d%n", "/cheap requests served", inline.cheap(), offloaded.cheap());
        out.printf("  %-28s %12d %12d%n%n", "failed requests", inline.failed(), offloaded.failed());

        check(out, failures, inline.failed() + offloaded.failed() == 0, "no request failed (pool phases)");
        check(out, failures, inline.hashes() > 0 && offloaded.hashes() > 0, "both phases served hash requests");
        check(out, failures, pooled >= offloaded.hashes(), "the pool ran every hash that was served in phase 2 ("
                + pooled + " tasks for " + offloaded.hashes() + " responses)");
        check(out, failures, offloaded.cheapP99Ms() < inline.cheapP99Ms(), String.format(
                "/cheap p99 is lower with the pool (%.2f ms vs %.2f ms inline, %.1fx)",
                offloaded.cheapP99Ms(), inline.cheapP99Ms(), inline.cheapP99Ms() / Math.max(offloaded.cheapP99Ms(), 1e-3)));
        out.println();
        out.println(failures.isEmpty() ? "demo: every check held" : "demo: " + failures.size() + " check(s) failed");
        return failures.isEmpty() ? 0 : 1;
    }

    private static void check(PrintStream out, List<String> failures, boolean ok, String what) {
        out.println("  [" + (ok ? "ok" : "FAILED") + "] " + what);
        if (!ok) {
            failures.add(what);
        }
    }
}
