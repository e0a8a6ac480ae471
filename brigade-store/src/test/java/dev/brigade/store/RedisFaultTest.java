package dev.brigade.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Redis faults: down at start, killed mid-run and back, and what callers see meanwhile. */
@Timeout(60)
class RedisFaultTest {
    private static final Duration TIMEOUT = Duration.ofMillis(800);
    private static final StoreOptions OPTIONS = StoreOptions.defaults().withTimeout(TIMEOUT)
            .withConnectTimeout(Duration.ofMillis(800)).withReconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(200));

    @Test
    void redisDownAtStart_failsAtOnceWithUnavailableNamingTheAddress() {
        int port = RedisServerProcess.freePort();
        long t0 = System.nanoTime();
        System.out.println("down at start: " + failure(() -> SharedStore.redis("redis://127.0.0.1:" + port, OPTIONS)).getMessage());
        assertThatThrownBy(() -> SharedStore.redis("redis://127.0.0.1:" + port, OPTIONS))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.code()).isEqualTo(StoreException.Code.UNAVAILABLE))
                .hasMessageContaining("redis://127.0.0.1:" + port).hasMessageContaining("unreachable at start");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aBadUrl_failsWithInvalidArgument() {
        assertThatThrownBy(() -> SharedStore.open("http://example/", OPTIONS)).isInstanceOfSatisfying(StoreException.class,
                e -> assertThat(e.code()).isEqualTo(StoreException.Code.INVALID_ARGUMENT)).hasMessageContaining("inprocess:");
        assertThatThrownBy(() -> SharedStore.redis("redis://:99999999", OPTIONS)).isInstanceOf(StoreException.class);
    }

    @Test
    void redisKilledMidRun_callsFailClearlyWithinTheTimeout_thenWorkAgainAfterRestart() {
        try (RedisServerProcess redis = RedisServerProcess.start();
             SharedStore store = SharedStore.redis(redis.url(), OPTIONS)) {
            BlockingStore sync = store.blocking();
            List<String> heard = new CopyOnWriteArrayList<>();
            sync.subscribe("news", String.class, heard::add);
            sync.put("k", "before");
            assertThat(sync.increment("n")).isEqualTo(1);

            redis.kill();
            // every call now fails, each within the timeout, with a code and the address
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                StoreException e = failure(() -> sync.get("k", String.class));
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(TIMEOUT.plusMillis(500));
                assertThat(e.code()).isIn(StoreException.Code.UNAVAILABLE, StoreException.Code.TIMEOUT);
                assertThat(e.getMessage()).contains("get(\"k\") on " + redis.url());
            }
            StoreException down = failure(() -> sync.increment("n"));
            System.out.println("while Redis is down: " + down.getMessage());
            assertThat(down.code()).isEqualTo(StoreException.Code.UNAVAILABLE);
            assertThat(down.getMessage()).contains("increment(\"n\") on " + redis.url()).contains("reconnecting");

            redis.restart(); // same port, empty (no persistence)
            await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> {
                sync.put("k", "after");
                return true;
            });
            assertThat(sync.get("k", String.class)).contains("after");
            assertThat(sync.increment("n")).isEqualTo(1);
            // the subscription was re-established by the reconnection
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                sync.publish("news", "back");
                return !heard.isEmpty();
            });
            assertThat(heard).contains("back");
        }
    }

    @Test
    void subscribingWhileRedisIsDown_failsWithUnavailable() {
        try (RedisServerProcess redis = RedisServerProcess.start();
             SharedStore store = SharedStore.redis(redis.url(), OPTIONS)) {
            redis.kill();
            StoreException e = failure(() -> store.blocking().subscribe("ch", String.class, m -> { }));
            assertThat(e.code()).isIn(StoreException.Code.UNAVAILABLE, StoreException.Code.TIMEOUT);
            assertThat(e.getMessage()).contains("subscribe(\"ch\") on " + redis.url());
        }
    }

    private static StoreException failure(Runnable call) {
        try {
            call.run();
        } catch (StoreException e) {
            return e;
        }
        throw new AssertionError("the call succeeded although Redis is down");
    }
}
