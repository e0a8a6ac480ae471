package dev.brigade.manager.demo;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ./brigade demo}: a real HTTP server whose CPU-heavy endpoint runs first inline on its
 * request threads, then on Brigade worker threads, under the same load, while a cheap endpoint
 * is timed next to it. Bounded (about 15 s), loopback only, leaves nothing running; the exit code
 * is 0 only if every check held.
 */
public final class Demo {
    private static final Duration PHASE = Duration.ofSeconds(5);
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
        out.printf("Brigade demo: CPU work inline vs on a WorkerPool (%d cores, Java %s)%n", cores, Runtime.version());
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

        List<String> failures = new ArrayList<>();
        check(out, failures, inline.failed() + offloaded.failed() == 0, "no request failed");
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
