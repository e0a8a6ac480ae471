package dev.brigade.bench.workers;

import dev.brigade.worker.Worker;
import dev.brigade.worker.WorkerOptions;
import java.util.List;

/**
 * Child JVM of the idle-worker figure: starts and stops N workers once (class loading, JIT),
 * then reads RSS, starts N idle workers, reads RSS again and prints the growth per worker. Run
 * with a fixed, pre-touched heap so that only what the workers add can move RSS.
 */
public final class IdleProbe {
    private IdleProbe() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        WorkerOptions daemon = WorkerOptions.builder().name("idle").daemon(true).build();
        long baseline = threads();
        WorkerProbes.stopAll(WorkerProbes.startIdle(n, daemon));
        // a worker's exit is reported before its OS thread is gone: wait until the threads of the
        // warm-up round have really ended, or their stacks would still count in "before"
        long end = System.nanoTime() + 30_000_000_000L;
        while (threads() > baseline + 2 && System.nanoTime() < end) {
            Thread.onSpinWait();
        }
        long before = WorkerProbes.rssBytes();
        List<Worker> workers = WorkerProbes.startIdle(n, daemon);
        long after = WorkerProbes.rssBytes();
        WorkerProbes.stopAll(workers);
        System.out.println((after - before) / (double) n);
    }

    private static long threads() throws java.io.IOException {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
            if (line.startsWith("Threads:")) {
                return Long.parseLong(line.substring(8).trim());
            }
        }
        throw new java.io.IOException("no Threads: line in /proc/self/status");
    }
}
