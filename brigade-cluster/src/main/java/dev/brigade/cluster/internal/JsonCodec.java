package dev.brigade.cluster.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.brigade.cluster.MessageCodec;
import java.io.IOException;

/** JSON through one shared, thread-safe Jackson mapper. */
public final class JsonCodec implements MessageCodec {
    public static final JsonCodec INSTANCE = new JsonCodec();
    private final ObjectMapper mapper = new ObjectMapper();

    private JsonCodec() {
    }

    @Override
    public byte[] encode(Object message) {
        try {
            return mapper.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("message of type " + message.getClass().getName()
                    + " cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public Object decode(byte[] bytes) {
        try {
            return mapper.readValue(bytes, Object.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("message of " + bytes.length + " bytes is not valid JSON: " + e.getMessage(), e);
        }
    }
}
