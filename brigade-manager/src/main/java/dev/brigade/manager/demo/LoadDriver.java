package dev.brigade.manager.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * Drives the demo server for a fixed time from this JVM: {@code hashClients} closed-loop clients
 * on {@code /hash} and one on {@code /cheap} whose latency is recorded. Loopback only.
 */
final class LoadDriver {
    /** What one phase measured. */
    record Result(long hashes, long cheap, long failed, double cheapP50Ms, double cheapP99Ms, double seconds) {
        double hashesPerSecond() {
            return hashes / seconds;
        }
    }

    static Result run(int port, int hashClients, Duration duration) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        AtomicLong hashes = new AtomicLong();
        AtomicLong cheap = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        Recorder latency = new Recorder(3);
        long end = System.nanoTime() + duration.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < hashClients; i++) {
            int c = i;
            threads.add(Thread.ofVirtual().start(() -> {
                for (int n = 0; System.nanoTime() < end; n++) {
                    if (get(client, port, "/hash?c" + c + "n" + n)) {
                        hashes.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                    }
                }
            }));
        }
        threads.add(Thread.ofPlatform().start(() -> {
            while (System.nanoTime() < end) {
                long t0 = System.nanoTime();
                if (get(client, port, "/cheap")) {
                    latency.recordValue(System.nanoTime() - t0);
                    cheap.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                }
            }
        }));
        for (Thread t : threads) {
            t.join();
        }
        var h = latency.getIntervalHistogram();
        return new Result(hashes.get(), cheap.get(), failed.get(), h.getValueAtPercentile(50) / 1e6,
                h.getValueAtPercentile(99) / 1e6, duration.toNanos() / 1e9);
    }

    private static boolean get(HttpClient client, int port, String path) {
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10)).build();
            return client.send(req, HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
    }
}
