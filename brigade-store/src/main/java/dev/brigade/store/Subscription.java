package dev.brigade.store;

/**
 * A listener registered on a channel by {@link SharedStore#subscribe}. Closing it stops the
 * deliveries to that listener (idempotent); other listeners on the channel are unaffected.
 */
public interface Subscription extends AutoCloseable {
    /**
     * The channel this listener receives.
     *
     * @return the channel's name
     */
    String channel();

    /** Stops the deliveries to this listener. Calling it again does nothing. */
    @Override
    void close();
}
