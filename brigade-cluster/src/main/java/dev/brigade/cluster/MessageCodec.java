package dev.brigade.cluster;

import dev.brigade.cluster.internal.JsonCodec;

/**
 * Turns user messages into bytes for IPC and back. Both sides of a cluster must use the same
 * codec. The default, {@link #json()}, sends what Jackson can write and decodes into plain
 * {@code Map}, {@code List}, {@code String}, {@code Number}, {@code Boolean} and {@code null},
 * like Node's JSON serialization.
 */
public interface MessageCodec {
    /** Encodes a message; throws {@link IllegalArgumentException} if it cannot be encoded. */
    byte[] encode(Object message);

    /** Decodes bytes written by {@link #encode}; throws {@link IllegalArgumentException} if they are invalid. */
    Object decode(byte[] bytes);

    /** The JSON codec (Jackson), the default. */
    static MessageCodec json() {
        return JsonCodec.INSTANCE;
    }
}
