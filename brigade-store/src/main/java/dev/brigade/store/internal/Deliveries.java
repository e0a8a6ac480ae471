package dev.brigade.store.internal;

import dev.brigade.store.StoreCodec;
import dev.brigade.store.Subscription;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Hands pub/sub messages to listeners on one store-owned thread, so that the listeners of a
 * store see messages in publish order, a slow listener never blocks a backend I/O thread or a
 * publisher, and a listener that throws is logged and stays subscribed. The thread dies when idle.
 */
public final class Deliveries implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.brigade.store");

    private final ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), Threads.daemon("brigade-store-deliveries"));
    private final StoreCodec codec;

    public Deliveries(StoreCodec codec) {
        this.codec = codec;
        executor.allowCoreThreadTimeOut(true);
    }

    /** A sink that decodes each message as {@code type} and passes it to {@code listener}. */
    public <T> Listener<T> listener(String channel, Class<T> type, Consumer<? super T> listener) {
        return new Listener<>(channel, type, listener);
    }

    @Override
    public void close() {
        executor.shutdown();
    }

    /** One listener's sink; becomes a {@link Subscription} once the backend has subscribed it. */
    public final class Listener<T> implements StoreBackend.MessageSink {
        private final String channel;
        private final Class<T> type;
        private final Consumer<? super T> consumer;
        private volatile boolean cancelled;

        private Listener(String channel, Class<T> type, Consumer<? super T> consumer) {
            this.channel = channel;
            this.type = type;
            this.consumer = consumer;
        }

        @Override
        public void accept(String ch, byte[] bytes) {
            if (!cancelled && !executor.isShutdown()) {
                executor.execute(() -> deliver(bytes));
            }
        }

        /** The subscription that stops this listener and releases the backend's {@code handle}. */
        public Subscription bind(AutoCloseable handle) {
            return new Subscription() {
                @Override
                public String channel() {
                    return channel;
                }

                @Override
                public void close() {
                    if (cancelled) {
                        return;
                    }
                    cancelled = true;
                    try {
                        handle.close();
                    } catch (Exception e) {
                        LOG.log(System.Logger.Level.WARNING, "unsubscribe(\"" + channel + "\") failed: " + e);
                    }
                }
            };
        }

        private void deliver(byte[] bytes) {
            if (cancelled) {
                return; // closed while this message was queued
            }
            T message;
            try {
                message = codec.decode(bytes, type);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "subscribe(\"" + channel + "\"): a message of " + bytes.length
                        + " bytes cannot be decoded as " + type.getName() + "; dropped: " + e.getMessage());
                return;
            }
            try {
                consumer.accept(message);
            } catch (RuntimeException | Error e) {
                LOG.log(System.Logger.Level.ERROR, "subscribe(\"" + channel + "\"): the listener threw; it stays subscribed", e);
            }
        }
    }
}
