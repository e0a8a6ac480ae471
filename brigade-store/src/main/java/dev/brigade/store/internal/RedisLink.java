package dev.brigade.store.internal;

import io.lettuce.core.RedisConnectionStateListener;
import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;

/**
 * The state of the command connection as Lettuce reports it, so errors can say "disconnected
 * for 1200 ms, reconnecting with backoff up to 2000 ms" instead of a bare "not connected".
 */
final class RedisLink implements RedisConnectionStateListener {
    private final Duration reconnectMax;
    private volatile boolean connected = true;
    private volatile long disconnectedAtMillis;

    RedisLink(Duration reconnectMax) {
        this.reconnectMax = reconnectMax;
    }

    @Override
    public void onRedisConnected(io.lettuce.core.RedisChannelHandler<?, ?> connection, SocketAddress socketAddress) {
        connected = true;
    }

    @Override
    public void onRedisDisconnected(io.lettuce.core.RedisChannelHandler<?, ?> connection) {
        if (connected) {
            disconnectedAtMillis = System.currentTimeMillis();
        }
        connected = false;
    }

    @Override
    public void onRedisExceptionCaught(io.lettuce.core.RedisChannelHandler<?, ?> connection, Throwable cause) {
        // reported through the failing commands
    }

    boolean connected() {
        return connected;
    }

    /** Appended to error messages when a command saw the connection lost before this listener did. */
    String lostJustNowSuffix() {
        return " (connection lost just now; reconnecting in the background with backoff up to " + reconnectMax.toMillis() + " ms)";
    }

    /** Appended to error messages: nothing while connected, the outage otherwise. */
    String stateSuffix() {
        if (connected) {
            return "";
        }
        long ms = System.currentTimeMillis() - disconnectedAtMillis;
        return " (disconnected since " + Instant.ofEpochMilli(disconnectedAtMillis) + ", " + ms
                + " ms ago; reconnecting in the background with backoff up to " + reconnectMax.toMillis() + " ms)";
    }
}
