package dev.brigade.manager.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The daemon's timer: a periodic task that throws, even an Error, runs again next time (a plain executor cancels it). */
class GuardedTimerTest {
    @Test
    void aPeriodicTaskThatThrowsOutOfMemoryError_keepsRunning_andOneShotTasksAfterItRunToo() throws Exception {
        GuardedTimer timer = new GuardedTimer("test-timer");
        try {
            AtomicInteger runs = new AtomicInteger();
            timer.scheduleAtFixedRate(() -> {
                if (runs.incrementAndGet() <= 2) {
                    throw new OutOfMemoryError("simulated: Java heap space");
                }
            }, 0, 10, TimeUnit.MILLISECONDS);
            timer.scheduleWithFixedDelay(() -> {
                throw new IllegalStateException("a sampler bug");
            }, 0, 10, TimeUnit.MILLISECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> runs.get() >= 5);
            AtomicInteger later = new AtomicInteger();
            timer.schedule(later::incrementAndGet, 1, TimeUnit.MILLISECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> later.get() == 1);
        } finally {
            timer.shutdownNow();
        }
        assertThat(timer.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
}
