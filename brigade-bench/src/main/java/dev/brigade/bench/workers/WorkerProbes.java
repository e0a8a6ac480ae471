package dev.brigade.bench.workers;

import dev.brigade.cluster.internal.ProcStat;
import dev.brigade.bench.Stats;
import dev.brigade.worker.Atomics;
import dev.brigade.worker.Int32Array;
import dev.brigade.worker.SharedBuffer;
import dev.brigade.worker.Worker;
import dev.brigade.worker.WorkerOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The measurements behind {@link WorkersSuite}, each on real worker threads. */
final class WorkerProbes {
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** Median µs for worker.postMessage -> worker echoes on parentPort -> main receives. */
    double messageRoundTripMicros(int rounds) throws Exception {
        Worker w = Worker.start(ctx -> ctx.parentPort().onMessage(m -> ctx.parentPort().postMessage(m)));
        w.online().get(30, TimeUnit.SECONDS);
        long[] samples = new long[rounds];
        Object msg = "ping";
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            w.postMessage(msg);
            w.receive(WAIT).orElseThrow();
            samples[i] = System.nanoTime() - t0;
        }
        w.terminate().get(30, TimeUnit.SECONDS);
        return micros(samples);
    }

    /** Median µs for: store 1 + notify, worker wakes, stores 0 + notify, main wakes. */
    double atomicsRoundTripMicros(int rounds) throws Exception {
        Int32Array turn = SharedBuffer.allocate(4).int32();
        Worker w = Worker.start(ctx -> {
            for (int i = 0; i < rounds; i++) {
                while (Atomics.load(turn, 0) != 1) {
                    Atomics.wait(turn, 0, 0, WAIT);
                }
                Atomics.store(turn, 0, 0);
                Atomics.notify(turn, 0, 1);
            }
        });
        w.online().get(30, TimeUnit.SECONDS);
        long[] samples = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            Atomics.store(turn, 0, 1);
            Atomics.notify(turn, 0, 1);
            while (Atomics.load(turn, 0) != 0) {
                Atomics.wait(turn, 0, 1, WAIT);
            }
            samples[i] = System.nanoTime() - t0;
        }
        w.exited().get(30, TimeUnit.SECONDS);
        return micros(samples);
    }

    /** Median ms from Worker.start to its online future completing. */
    double startToOnlineMillis(int n) throws Exception {
        long[] samples = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            Worker w = Worker.start(ctx -> { });
            w.online().get(30, TimeUnit.SECONDS);
            samples[i] = System.nanoTime() - t0;
            w.exited().get(30, TimeUnit.SECONDS);
        }
        return Stats.median(Arrays.copyOfRange(samples, n / 5, n)) / 1e6;
    }

    /**
     * Memory per idle worker (each keeps a listener on its parentPort), measured in a child JVM
     * whose heap is fixed and pre-touched ({@link IdleProbe}): its RSS cannot move for heap
     * growth or shrinking, so the RSS growth is what the workers cost (thread stacks, native
     * thread state, their objects).
     */
    double idleWorkerBytes(int n) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch", "-cp",
                System.getProperty("java.class.path"), IdleProbe.class.getName(), Integer.toString(n))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("the idle-worker probe failed (exit " + p.exitValue() + "): " + out);
        }
        return Double.parseDouble(out);
    }

    static List<Worker> startIdle(int n, WorkerOptions options) throws Exception {
        List<Worker> workers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            workers.add(Worker.start(ctx -> ctx.parentPort().onMessage(m -> { }), options));
        }
        for (Worker w : workers) {
            w.online().get(30, TimeUnit.SECONDS);
        }
        return workers;
    }

    static void stopAll(List<Worker> workers) throws Exception {
        for (Worker w : workers) {
            w.terminate();
        }
        for (Worker w : workers) {
            w.exited().get(30, TimeUnit.SECONDS);
        }
    }

    /** Small messages per second, main -> worker, the worker counting them: median of 3 runs. */
    double messagesPerSecond(int total) throws Exception {
        double[] runs = new double[3];
        for (int r = 0; r < runs.length; r++) {
            Worker w = Worker.start(ctx -> {
                int[] n = {0};
                ctx.parentPort().onMessage(m -> {
                    if (++n[0] == total) {
                        ctx.parentPort().postMessage(n[0]);
                    }
                });
            });
            w.online().get(30, TimeUnit.SECONDS);
            Object msg = 1;
            long t0 = System.nanoTime();
            for (int i = 0; i < total; i++) {
                w.postMessage(msg);
            }
            w.receive(Duration.ofMinutes(2)).orElseThrow();
            runs[r] = total / ((System.nanoTime() - t0) / 1e9);
            w.terminate().get(30, TimeUnit.SECONDS);
        }
        return Stats.median(runs);
    }

    private static double micros(long[] samples) {
        int n = samples.length;
        return Stats.median(Arrays.copyOfRange(samples, n / 5, n)) / 1e3;
    }

    static long rssBytes() throws IOException {
        long bytes = ProcStat.rssBytes(ProcessHandle.current().pid());
        if (bytes < 0) {
            throw new IOException("no VmRSS in /proc/self/status");
        }
        return bytes;
    }
}
