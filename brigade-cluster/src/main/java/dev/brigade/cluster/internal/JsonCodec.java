package dev.brigade.cluster.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.brigade.cluster.MessageCodec;
import java.io.IOException;

/** JSON through one shared, thread-safe Jackson mapper. */
public final class JsonCodec implements MessageCodec {
    public static final JsonCodec INSTANCE = new JsonCodec();

    /** Created on first use: a worker that exchanges no message does not pay Jackson's start-up. */
    private static final class Mapper {
        static final ObjectMapper INSTANCE = new ObjectMapper();
    }

    private JsonCodec() {
    }

    @Override
    public byte[] encode(Object message) {
        try {
            return Mapper.INSTANCE.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("message of type " + message.getClass().getName()
                    + " cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public Object decode(byte[] bytes) {
        try {
            return Mapper.INSTANCE.readValue(bytes, Object.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("message of " + bytes.length + " bytes is not valid JSON: " + e.getMessage(), e);
        }
    }
}
