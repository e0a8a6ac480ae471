package dev.brigade.cluster.internal;

import dev.brigade.cluster.MessageCodec;

/**
 * The default codec: JSON's semantics, without JSON's cost where it is not needed. Plain values
 * (strings, numbers, booleans, null, and lists and string-keyed maps of them) travel in
 * {@link PlainCodec}'s compact form; anything else is written as JSON by Jackson. Both decode
 * into what Jackson's untyped reading gives. Jackson is loaded on the first message that needs
 * it: a worker whose messages are all plain never loads it.
 */
public final class JsonCodec implements MessageCodec {
    public static final JsonCodec INSTANCE = new JsonCodec();

    private JsonCodec() {
    }

    @Override
    public byte[] encode(Object message) {
        byte[] plain = PlainCodec.encode(message);
        return plain != null ? plain : Jackson.encode(message);
    }

    @Override
    public Object decode(byte[] bytes) {
        return bytes.length > 0 && bytes[0] == PlainCodec.MARK ? PlainCodec.decode(bytes) : Jackson.decode(bytes);
    }

    /**
     * Every reference to Jackson lives here: this class, and with it Jackson, is loaded on its
     * first use only (catch clauses in {@link JsonCodec} itself would load Jackson's exception
     * types when the verifier checks it).
     */
    static final class Jackson {
        private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper();

        private Jackson() {
        }

        static byte[] encode(Object message) {
            try {
                return MAPPER.writeValueAsBytes(message);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalArgumentException("message of type " + message.getClass().getName()
                        + " cannot be written as JSON: " + e.getOriginalMessage(), e);
            }
        }

        static Object decode(byte[] bytes) {
            try {
                return MAPPER.readValue(bytes, Object.class);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("message of " + bytes.length + " bytes is not valid JSON: " + e.getMessage(), e);
            }
        }
    }
}
