package dev.brigade.store.internal;

import dev.brigade.store.StoreException;
import dev.brigade.store.StoreException.Code;
import java.time.Duration;

/** Up-front checks of call arguments; each failure names the argument and the value. */
public final class Args {
    /** Longest key or channel name accepted, in chars. */
    public static final int MAX_KEY_CHARS = 4096;

    private Args() {
    }

    public static String key(String key, String what) {
        if (key == null || key.isEmpty()) {
            throw new StoreException(Code.INVALID_ARGUMENT, what + " must be a non-empty string, got "
                    + (key == null ? "null" : "\"\""));
        }
        if (key.length() > MAX_KEY_CHARS) {
            throw new StoreException(Code.INVALID_ARGUMENT, what + " is " + key.length()
                    + " chars, over the limit of " + MAX_KEY_CHARS);
        }
        return key;
    }

    public static Object value(Object value, String what) {
        if (value == null) {
            throw new StoreException(Code.INVALID_ARGUMENT, what + " must not be null (use delete to remove a key)");
        }
        return value;
    }

    /** A TTL in whole milliseconds, at least 1. */
    public static long ttlMillis(Duration ttl) {
        if (ttl == null || ttl.compareTo(Duration.ofMillis(1)) < 0) {
            throw new StoreException(Code.INVALID_ARGUMENT, "ttl must be at least 1 ms, got " + ttl);
        }
        return ttl.toMillis();
    }

    public static int limit(int limit) {
        if (limit < 1) {
            throw new StoreException(Code.INVALID_ARGUMENT, "limit must be positive, got " + limit);
        }
        return limit;
    }

    /** The encoded value, checked against the size limit. */
    public static byte[] sized(byte[] encoded, int maxBytes, String what) {
        if (encoded.length > maxBytes) {
            throw new StoreException(Code.VALUE_TOO_LARGE, what + " is " + encoded.length
                    + " bytes encoded, over the limit of " + maxBytes + " bytes (StoreOptions.maxValueBytes)");
        }
        return encoded;
    }
}
