package dev.brigade.store.internal;

/**
 * Keeps Netty (under Lettuce) off {@code sun.misc.Unsafe} on JDK 24 and later, where its first
 * use prints four "terminally deprecated method" warnings on stderr (JEP 498) that the user did
 * not cause. Netty then uses its portable paths; a Redis client's speed does not depend on them.
 * A user who sets {@code io.netty.noUnsafe} or {@code io.netty.tryUnsafe} keeps their choice,
 * and so does a JVM where Netty was already initialised by someone else.
 */
final class NettyUnsafe {
    static final String NO_UNSAFE = "io.netty.noUnsafe";

    private NettyUnsafe() {
    }

    /** Call before the first Lettuce or Netty class loads (idempotent). */
    static void avoidOnNewJdks() {
        if (Runtime.version().feature() >= 24 && System.getProperty(NO_UNSAFE) == null
                && System.getProperty("io.netty.tryUnsafe") == null) {
            System.setProperty(NO_UNSAFE, "true");
        }
    }
}
