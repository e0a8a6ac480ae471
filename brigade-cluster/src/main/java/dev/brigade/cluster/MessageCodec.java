package dev.brigade.cluster;

import dev.brigade.cluster.internal.JsonCodec;

/**
 * Turns user messages into bytes for IPC and back. Both sides of a cluster must use the same
 * codec. The default, {@link #json()}, has JSON's semantics: it sends what Jackson can write and
 * decodes into plain {@code Map}, {@code List}, {@code String}, {@code Number}, {@code Boolean}
 * and {@code null}, like Node's JSON serialization. Messages made only of those types (the usual
 * case) travel in a compact binary form and never load Jackson, which keeps ~20 MB out of each
 * worker JVM; any other object is written as JSON text by Jackson.
 */
public interface MessageCodec {
    /**
     * Encodes a message; throws {@link IllegalArgumentException} if it cannot be encoded.
     *
     * @param message the message
     * @return its bytes
     */
    byte[] encode(Object message);

    /**
     * Decodes bytes written by {@link #encode}; throws {@link IllegalArgumentException} if they are invalid.
     *
     * @param bytes what {@link #encode} made
     * @return the message
     */
    Object decode(byte[] bytes);

    /**
     * The default codec: JSON semantics; plain values in a compact form, other objects as JSON text (Jackson).
     *
     * @return the JSON codec
     */
    static MessageCodec json() {
        return JsonCodec.INSTANCE;
    }
}
