/**
 * Brigade's {@link dev.brigade.store.SharedStore}: the state that workers share (sessions, rate
 * limits, counters, caches, pub/sub channels), in one API over interchangeable backends: in the
 * process (worker threads of one JVM) or in Redis (workers on many machines). The backend held
 * by the cluster's primary and reached over its IPC ({@link dev.brigade.store.SharedStore#embedded})
 * is a third backend behind the same API. {@code dev.brigade.store.examples} holds the two
 * examples of the issue: an HTTP session store and a cluster-wide rate limiter.
 *
 * <p>Backends live in {@code dev.brigade.store.internal}, which is not exported.
 */
module dev.brigade.store {
    requires lettuce.core; // automatic module (Automatic-Module-Name in its manifest)
    requires transitive com.fasterxml.jackson.databind; // JsonCodec(ObjectMapper) takes its type
    requires transitive dev.brigade.cluster; // SharedStore.embedded(Cluster) takes its type

    exports dev.brigade.store;
    exports dev.brigade.store.examples;
}
