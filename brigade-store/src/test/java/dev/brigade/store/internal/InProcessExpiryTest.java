package dev.brigade.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brigade.store.BlockingStore;
import dev.brigade.store.SharedStore;
import dev.brigade.store.StoreOptions;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Expiry in the in-process backend, driven by a manual clock: no sleeping, exact boundaries. */
@Timeout(10)
class InProcessExpiryTest {
    private final AtomicLong nanos = new AtomicLong(-5_000_000_000L); // any origin, negative included
    private final SharedStore store = SharedStore.inProcess(StoreOptions.defaults().withClock(nanos::get));
    private final BlockingStore sync = store.blocking();

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Test
    void aKeyLivesExactlyItsTtl() {
        sync.put("k", "v", Duration.ofMillis(100));
        advance(Duration.ofMillis(99));
        assertThat(sync.get("k", String.class)).contains("v");
        assertThat(sync.ttl("k")).contains(Duration.ofMillis(1));
        advance(Duration.ofMillis(1));
        assertThat(sync.get("k", String.class)).isEmpty();
        assertThat(sync.ttl("k")).isEmpty();
    }

    @Test
    void expiredKeys_areAbsentForEveryCall() {
        sync.put("a", "1", Duration.ofSeconds(1));
        sync.put("c", "5", Duration.ofSeconds(1));
        sync.put("d", "x", Duration.ofSeconds(1));
        advance(Duration.ofSeconds(1));
        assertThat(sync.keys("")).isEmpty();
        assertThat(sync.putIfAbsent("a", "2")).isTrue();
        assertThat(sync.increment("c")).as("an expired counter restarts from 0").isEqualTo(1);
        assertThat(sync.ttl("c")).as("and has no TTL").isEmpty();
        assertThat(sync.compareAndSet("d", "x", "y")).isFalse();
        assertThat(sync.compareAndSet("d", null, "y")).isTrue();
        assertThat(sync.expire("gone", Duration.ofSeconds(1))).isFalse();
        assertThat(sync.delete("nothing")).isFalse();
    }

    @Test
    void incrementKeepsTheDeadline_putReplacesIt() {
        sync.put("c", "1", Duration.ofSeconds(10));
        advance(Duration.ofSeconds(4));
        sync.increment("c");
        assertThat(sync.ttl("c")).contains(Duration.ofSeconds(6));
        sync.put("c", "7", Duration.ofSeconds(1));
        assertThat(sync.ttl("c")).contains(Duration.ofSeconds(1));
        advance(Duration.ofSeconds(1));
        assertThat(sync.get("c", Long.class)).isEmpty();
    }

    @Test
    void expiredKeysNobodyReadsAgain_areSweptByLaterWrites() {
        InProcessBackend backend = new InProcessBackend(nanos::get);
        for (int i = 0; i < 100; i++) {
            backend.put("old" + i, new byte[] {1}, 1000);
        }
        advance(Duration.ofSeconds(2));
        for (int i = 0; i < InProcessBackend.SWEEP_EVERY; i++) {
            backend.put("live", new byte[] {2}, 0);
        }
        assertThat(backend.size()).isEqualTo(1);
    }

    @Test
    void storedValuesAreCopies_notSharedArrays() {
        byte[] value = {1, 2, 3};
        sync.put("b", value);
        value[0] = 9;
        byte[] read = sync.get("b", byte[].class).orElseThrow();
        read[1] = 9;
        assertThat(sync.get("b", byte[].class).orElseThrow()).containsExactly(1, 2, 3);
    }
}
