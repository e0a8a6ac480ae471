package dev.brigade.store;

/**
 * Turns values into the bytes a backend stores, and back. The default, {@link JsonCodec},
 * writes JSON through Jackson and passes {@code byte[]} and {@code String} through unchanged
 * (UTF-8), so counters and plain strings read the same from redis-cli.
 *
 * <p>Implementations must be thread-safe and deterministic: {@link SharedStore#compareAndSet}
 * compares encoded bytes, so equal values must encode to equal bytes. Failures are reported as
 * {@link StoreException} with {@link StoreException.Code#CODEC}, naming the type.
 */
public interface StoreCodec {
    /**
     * Encodes a non-null value.
     *
     * @throws StoreException with {@link StoreException.Code#CODEC} if the value's type is not supported
     * @param value the value
     * @return the bytes
     */
    byte[] encode(Object value);

    /**
     * Decodes bytes a store holds as the given type.
     *
     * @throws StoreException with {@link StoreException.Code#CODEC} if the bytes do not fit the type
     * @param <T> the type of the value
     * @param bytes what {@link #encode} made
     * @param type the class to decode as
     * @return the value
     */
    <T> T decode(byte[] bytes, Class<T> type);
}
