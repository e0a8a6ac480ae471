package dev.brigade.store.internal;

import dev.brigade.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The embedded backend's messages, made only of what any JSON-semantics {@code MessageCodec}
 * carries compactly: lists, strings, numbers, booleans, null. A request is a list
 * {@code [op, args...]}; an answer is the result, or on failure a map
 * {@code {"$err": code, "msg": message}} (no result is a map).
 *
 * <p>Byte values travel as Latin-1 strings (one char per byte): exact for any bytes, no larger
 * than the bytes for the ASCII that JSON values are (UTF-8 on the wire doubles bytes ≥ 0x80),
 * and a plain string, so the cluster's codec never falls back to Jackson for them.
 */
final class Wire {
    static final String SERVICE = "brigade.store";
    static final String ERR = "$err";
    static final String GET = "get", PUT = "put", PUT_IF_ABSENT = "pia", CAS = "cas", DELETE = "del", INCREMENT = "incr",
            EXPIRE = "exp", TTL = "ttl", KEYS = "keys", PUBLISH = "pub", SUBSCRIBE = "sub", UNSUBSCRIBE = "unsub",
            POLL = "poll", BATCH = "batch";
    /** The code of an error answer to a poll from a subscriber the primary no longer knows. */
    static final String GONE = "GONE";

    private Wire() {
    }

    static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.ISO_8859_1);
    }

    static byte[] bytes(Object text) {
        return text == null ? null : ((String) text).getBytes(StandardCharsets.ISO_8859_1);
    }

    static long number(Object n) {
        return ((Number) n).longValue();
    }

    static Map<String, Object> error(Throwable t) {
        Throwable c = Calls.unwrap(t);
        String code = c instanceof StoreException se ? se.code().name()
                : c instanceof IllegalArgumentException || c instanceof NullPointerException
                ? StoreException.Code.INVALID_ARGUMENT.name() : StoreException.Code.BACKEND.name();
        return Map.of(ERR, code, "msg", String.valueOf(c instanceof StoreException ? c.getMessage() : c.toString()));
    }

    static Map<String, Object> error(String code, String message) {
        return Map.of(ERR, code, "msg", message);
    }

    /** The answer as a failure, or null if it is a result. */
    static StoreException failure(Object answer) {
        if (answer instanceof Map<?, ?> m && m.get(ERR) instanceof String code) {
            StoreException.Code c;
            try {
                c = StoreException.Code.valueOf(code);
            } catch (IllegalArgumentException unknown) {
                c = StoreException.Code.BACKEND;
            }
            return new StoreException(c, String.valueOf(m.get("msg")));
        }
        return null;
    }

    /** A batch's op as a request list. */
    static List<Object> request(Op op) {
        return switch (op.kind()) {
            case GET -> List.of(GET, op.key());
            case PUT -> List.of(PUT, op.key(), text(op.a()), op.n());
            case PUT_IF_ABSENT -> List.of(PUT_IF_ABSENT, op.key(), text(op.a()), op.n());
            case CAS -> java.util.Arrays.asList(CAS, op.key(), text(op.a()), text(op.b()), op.n());
            case DELETE -> List.of(DELETE, op.key());
            case INCREMENT -> List.of(INCREMENT, op.key(), op.n());
            case EXPIRE -> List.of(EXPIRE, op.key(), op.n());
            case TTL -> List.of(TTL, op.key());
        };
    }
}
