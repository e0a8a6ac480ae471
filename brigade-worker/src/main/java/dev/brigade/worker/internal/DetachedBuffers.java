package dev.brigade.worker.internal;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers, by identity and weakly, every ByteBuffer that was transferred away, so that using
 * it again as a message is a clear error rather than a silent empty read. ByteBuffer's own
 * equals/hashCode compare contents, hence the identity keys.
 */
public final class DetachedBuffers {
    private static final Set<Key> DETACHED = ConcurrentHashMap.newKeySet();
    private static final ReferenceQueue<ByteBuffer> GONE = new ReferenceQueue<>();

    private DetachedBuffers() {
    }

    /**
     * Marks {@code b} as transferred away (held weakly).
     *
     * @param b the sender's buffer
     */
    public static void add(ByteBuffer b) {
        expunge();
        DETACHED.add(new Key(b, GONE));
    }

    /**
     * Whether {@code b} was transferred away.
     *
     * @param b a buffer
     * @return true if it is detached
     */
    public static boolean contains(ByteBuffer b) {
        return DETACHED.contains(new Key(b, null));
    }

    private static void expunge() {
        Object k;
        while ((k = GONE.poll()) != null) {
            DETACHED.remove(k);
        }
    }

    private static final class Key extends WeakReference<ByteBuffer> {
        private final int hash;

        Key(ByteBuffer b, ReferenceQueue<ByteBuffer> q) {
            super(b, q);
            hash = System.identityHashCode(b);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (this == o) {
                return true;
            }
            if (!(o instanceof Key k) || k.hash != hash) {
                return false;
            }
            ByteBuffer mine = get();
            return mine != null && mine == k.get();
        }
    }
}
