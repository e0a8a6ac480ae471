package dev.brigade.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.brigade.cluster.internal.Fds;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class LoadTest {
    @Test
    void a_worker_flooding_stdout_is_never_blocked_by_a_slow_consumer() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicLong seen = new AtomicLong();
        var settings = Workers.settings().outputBufferLines(100).output(line -> {
            seen.incrementAndGet();
            try {
                release.await(); // a consumer stuck until the test ends
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }).build();
        try (Cluster c = Cluster.create(settings)) {
            var rec = new Workers.Recorder(c);
            ClusterWorker w = c.fork().get(0);
            w.send("flood:200000"); // 20 MB, far beyond a 64 KiB pipe
            await().atMost(Duration.ofSeconds(30)).until(() -> rec.of(ClusterEvent.Message.class).stream()
                    .anyMatch(m -> m.message().equals("flooded")));
            assertThat(c.droppedOutputLines()).isGreaterThan(100_000);
            assertThat(w.request("ping", Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS)).isEqualTo("pong");
        } finally {
            release.countDown();
        }
    }

    @Test
    void fork_storms_leak_no_descriptors_threads_or_processes() throws Exception {
        try (Cluster warm = Cluster.create(Workers.settings().build())) {
            warm.fork().get(0).online().get(20, TimeUnit.SECONDS); // load classes, JNA, thread pools once
        }
        long fds = Fds.count();
        int threads = Thread.activeCount();
        for (int round = 0; round < 2; round++) {
            try (Cluster c = Cluster.create(Workers.settings().onlineTimeout(Duration.ofSeconds(60)).build())) {
                List<ClusterWorker> ws = c.fork(16);
                CompletableFuture.allOf(ws.stream().map(ClusterWorker::online).toArray(CompletableFuture[]::new))
                        .get(90, TimeUnit.SECONDS);
                CompletableFuture.allOf(ws.stream().map(ClusterWorker::disconnect).toArray(CompletableFuture[]::new))
                        .get(30, TimeUnit.SECONDS);
                assertThat(c.workers()).isEmpty();
            }
        }
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive)).isEmpty();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(Fds.count()).isLessThanOrEqualTo(fds);
            assertThat(Thread.activeCount()).isLessThanOrEqualTo(threads + 1);
        });
    }
}
