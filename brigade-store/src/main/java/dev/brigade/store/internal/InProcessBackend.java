package dev.brigade.store.internal;

import dev.brigade.store.StoreClock;
import dev.brigade.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The store held in this process: a concurrent map of byte values with per-key expiry, and
 * pub/sub through {@link LocalChannels}. It serves the worker threads of one JVM directly, and
 * is the engine the primary will hold for the embedded (over IPC) backend.
 *
 * <p>Atomicity: each call on one key is one {@link ConcurrentHashMap#compute}, so
 * compareAndSet and increment are linearizable per key without locks of our own. Expiry is
 * lazy (an expired entry is invisible and removed when met) plus a sweep of the whole map every
 * {@value #SWEEP_EVERY} writes, so keys nobody reads again do not pile up. Time comes from the
 * injected {@link StoreClock}; nothing here sleeps or owns a thread. Calls complete at once.
 */
public final class InProcessBackend implements StoreBackend {
    static final int SWEEP_EVERY = 4096;
    private static final long NO_EXPIRY = Long.MIN_VALUE;

    /** A value and its deadline in clock nanos ({@link #NO_EXPIRY} for none). Never mutated. */
    private record Entry(byte[] value, long deadline) {
    }

    private final ConcurrentHashMap<String, Entry> map = new ConcurrentHashMap<>();
    private final LocalChannels channels = new LocalChannels();
    private final AtomicInteger writesSinceSweep = new AtomicInteger();
    private final StoreClock clock;

    public InProcessBackend(StoreClock clock) {
        this.clock = clock;
    }

    @Override
    public String describe() {
        return "in-process";
    }

    @Override
    public CompletableFuture<byte[]> get(String key) {
        Entry e = live(key);
        return done(e == null ? null : e.value.clone());
    }

    @Override
    public CompletableFuture<Void> put(String key, byte[] value, long ttlMillis) {
        map.put(key, new Entry(value.clone(), deadline(ttlMillis)));
        wrote();
        return done(null);
    }

    @Override
    public CompletableFuture<Boolean> putIfAbsent(String key, byte[] value, long ttlMillis) {
        boolean[] set = {false};
        map.compute(key, (k, cur) -> {
            if (cur != null && !expired(cur)) {
                return cur;
            }
            set[0] = true;
            return new Entry(value.clone(), deadline(ttlMillis));
        });
        wrote();
        return done(set[0]);
    }

    @Override
    public CompletableFuture<Boolean> compareAndSet(String key, byte[] expected, byte[] update, long ttlMillis) {
        boolean[] set = {false};
        map.compute(key, (k, cur) -> {
            byte[] now = cur == null || expired(cur) ? null : cur.value;
            if (expected == null ? now != null : now == null || !Arrays.equals(now, expected)) {
                return now == null ? null : cur;
            }
            set[0] = true;
            return new Entry(update.clone(), deadline(ttlMillis));
        });
        wrote();
        return done(set[0]);
    }

    @Override
    public CompletableFuture<Boolean> delete(String key) {
        Entry e = map.remove(key);
        return done(e != null && !expired(e));
    }

    @Override
    public CompletableFuture<Long> increment(String key, long delta) {
        long[] result = {0};
        map.compute(key, (k, cur) -> {
            boolean live = cur != null && !expired(cur);
            long base = live ? parseCounter(key, cur.value) : 0;
            try {
                result[0] = Math.addExact(base, delta);
            } catch (ArithmeticException overflow) {
                throw new StoreException(StoreException.Code.NOT_AN_INTEGER, "increment(\"" + key + "\", " + delta
                        + ") overflows a 64-bit integer (current value " + base + ")");
            }
            byte[] text = Long.toString(result[0]).getBytes(StandardCharsets.US_ASCII);
            return new Entry(text, live ? cur.deadline : NO_EXPIRY);
        });
        wrote();
        return done(result[0]);
    }

    @Override
    public CompletableFuture<Boolean> expire(String key, long ttlMillis) {
        Entry e = map.computeIfPresent(key, (k, cur) -> expired(cur) ? null : new Entry(cur.value, deadline(ttlMillis)));
        return done(e != null);
    }

    @Override
    public CompletableFuture<Long> ttlMillis(String key) {
        Entry e = live(key);
        if (e == null) {
            return done(-2L);
        }
        return done(e.deadline == NO_EXPIRY ? -1L : Math.max(0, (e.deadline - clock.nanos()) / 1_000_000));
    }

    @Override
    public CompletableFuture<List<String>> keys(String prefix, int limit) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Entry> e : map.entrySet()) {
            if (out.size() >= limit) {
                break;
            }
            if (e.getKey().startsWith(prefix) && !expired(e.getValue())) {
                out.add(e.getKey());
            }
        }
        return done(out);
    }

    @Override
    public CompletableFuture<Long> publish(String channel, byte[] message) {
        return done((long) channels.publish(channel, message));
    }

    @Override
    public CompletableFuture<AutoCloseable> subscribe(String channel, MessageSink sink) {
        return done(channels.subscribe(channel, sink));
    }

    @Override
    public void close() {
        map.clear();
        channels.clear();
    }

    private static final int SNAPSHOT_MAGIC = 0x42534e31; // "BSN1"

    /**
     * Writes every live entry (key, remaining TTL, value) to {@code out}; returns how many. Not
     * a point-in-time image across keys: each key is written with a value it held meanwhile.
     */
    public int snapshot(java.io.DataOutputStream out) throws java.io.IOException {
        out.writeInt(SNAPSHOT_MAGIC);
        int n = 0;
        long now = clock.nanos();
        for (Map.Entry<String, Entry> e : map.entrySet()) {
            Entry v = e.getValue();
            if (expired(v)) {
                continue;
            }
            out.writeBoolean(true);
            out.writeUTF(e.getKey());
            out.writeLong(v.deadline == NO_EXPIRY ? -1 : Math.max(1, (v.deadline - now) / 1_000_000));
            out.writeInt(v.value.length);
            out.write(v.value);
            n++;
        }
        out.writeBoolean(false);
        return n;
    }

    /** Puts every entry of a {@link #snapshot} back, TTLs counted from now; returns how many. */
    public int restore(java.io.DataInputStream in) throws java.io.IOException {
        if (in.readInt() != SNAPSHOT_MAGIC) {
            throw new java.io.IOException("not a store snapshot (bad magic number)");
        }
        int n = 0;
        while (in.readBoolean()) {
            String key = in.readUTF();
            long ttl = in.readLong();
            byte[] value = new byte[in.readInt()];
            in.readFully(value);
            map.put(key, new Entry(value, ttl < 0 ? NO_EXPIRY : deadline(ttl)));
            n++;
        }
        return n;
    }

    /** The number of entries held, expired ones not yet removed included (for tests). */
    int size() {
        return map.size();
    }

    private Entry live(String key) {
        Entry e = map.get(key);
        if (e != null && expired(e)) {
            map.remove(key, e);
            return null;
        }
        return e;
    }

    private boolean expired(Entry e) {
        return e.deadline != NO_EXPIRY && clock.nanos() - e.deadline >= 0;
    }

    private long deadline(long ttlMillis) {
        return ttlMillis <= 0 ? NO_EXPIRY : clock.nanos() + ttlMillis * 1_000_000;
    }

    private void wrote() {
        if (writesSinceSweep.incrementAndGet() >= SWEEP_EVERY) {
            writesSinceSweep.set(0);
            map.entrySet().removeIf(e -> expired(e.getValue())); // removes an entry only if still the same
        }
    }

    private static long parseCounter(String key, byte[] value) {
        try {
            return Long.parseLong(new String(value, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            throw new StoreException(StoreException.Code.NOT_AN_INTEGER, "increment(\"" + key
                    + "\"): the value is not a 64-bit integer (" + value.length + " bytes)");
        }
    }

    private static <T> CompletableFuture<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
