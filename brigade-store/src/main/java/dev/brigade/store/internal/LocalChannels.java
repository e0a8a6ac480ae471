package dev.brigade.store.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Publish/subscribe inside one process: channel name to the sinks subscribed to it. Publishing
 * hands the message to each sink on the publisher's thread; sinks must not block (the
 * {@link dev.brigade.store.SharedStore} sink only enqueues to its dispatcher). Copy-on-write
 * lists: subscriptions are rare, publishes frequent.
 */
final class LocalChannels {
    private final ConcurrentHashMap<String, CopyOnWriteArrayList<StoreBackend.MessageSink>> byChannel =
            new ConcurrentHashMap<>();

    int publish(String channel, byte[] message) {
        CopyOnWriteArrayList<StoreBackend.MessageSink> sinks = byChannel.get(channel);
        if (sinks == null) {
            return 0;
        }
        for (StoreBackend.MessageSink sink : sinks) {
            sink.accept(channel, message.clone()); // each receiver gets its own copy, as over a wire
        }
        return sinks.size();
    }

    AutoCloseable subscribe(String channel, StoreBackend.MessageSink sink) {
        // compute: a concurrent unsubscribe that empties the list cannot drop this sink's list
        byChannel.compute(channel, (c, list) -> {
            CopyOnWriteArrayList<StoreBackend.MessageSink> l = list == null ? new CopyOnWriteArrayList<>() : list;
            l.add(sink);
            return l;
        });
        return () -> byChannel.computeIfPresent(channel, (c, list) -> {
            list.remove(sink);
            return list.isEmpty() ? null : list;
        });
    }

    void clear() {
        byChannel.clear();
    }
}
