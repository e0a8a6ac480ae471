package dev.brigade.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The default {@link StoreCodec}: {@code byte[]} and {@code String} pass through unchanged
 * (strings as UTF-8), everything else is JSON through Jackson. A counter written by
 * {@link SharedStore#increment} is the decimal text {@code 42}, so it decodes as
 * {@code Long}, {@code Integer} or {@code String} alike.
 *
 * <p>Map entries are written sorted by key so that equal values encode to equal bytes (what
 * {@link SharedStore#compareAndSet} compares). Records and beans of a named module must open
 * their package to {@code com.fasterxml.jackson.databind}.
 */
public final class JsonCodec implements StoreCodec {
    private final ObjectMapper mapper;

    /** A codec with a default mapper (map entries ordered by key). */
    public JsonCodec() {
        this(new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS));
    }

    /**
     * A codec over a mapper you configured (modules, naming...). Keep its output deterministic.
     *
     * @param mapper the Jackson mapper to use (its modules and settings)
     */
    public JsonCodec(ObjectMapper mapper) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    @Override
    public byte[] encode(Object value) {
        Objects.requireNonNull(value, "value");
        if (value instanceof byte[] bytes) {
            return bytes;
        }
        if (value instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        try {
            return mapper.writeValueAsBytes(value);
        } catch (Exception | LinkageError e) {
            throw new StoreException(StoreException.Code.CODEC, "JsonCodec cannot encode a value of type "
                    + value.getClass().getName() + ": " + e.getMessage() + hint(e), e);
        }
    }

    @Override
    public <T> T decode(byte[] bytes, Class<T> type) {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(type, "type");
        if (type == byte[].class) {
            return type.cast(bytes);
        }
        if (type == String.class) {
            return type.cast(new String(bytes, StandardCharsets.UTF_8));
        }
        try {
            return mapper.readValue(bytes, type);
        } catch (Exception | LinkageError e) {
            throw new StoreException(StoreException.Code.CODEC, "JsonCodec cannot decode " + bytes.length
                    + " bytes as " + type.getName() + ": " + e.getMessage() + hint(e), e);
        }
    }

    private static String hint(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalAccessException || t instanceof java.lang.reflect.InaccessibleObjectException) {
                return " (open the type's package to com.fasterxml.jackson.databind in its module-info)";
            }
        }
        return "";
    }
}
