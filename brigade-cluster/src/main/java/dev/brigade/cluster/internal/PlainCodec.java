package dev.brigade.cluster.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A compact binary form for the values JSON can carry, so that a worker that only exchanges such
 * values never loads Jackson (≈ 20 MB of a worker's PSS, and most of a small message's encoding
 * time). A value is plain if it is {@code null}, a {@link String}, a {@link Boolean}, an
 * {@link Integer}, {@link Long}, {@link Short}, {@link Byte}, a finite {@link Double} or
 * {@link Float}, a {@link List} of plain values, or a {@link Map} with {@link String} keys and
 * plain values, nested at most {@value #MAX_DEPTH} deep.
 *
 * <p>Decoding yields exactly what Jackson would make of the same value written as JSON: maps are
 * {@link LinkedHashMap}s, lists {@link ArrayList}s, whole numbers {@link Integer} when they fit
 * and {@link Long} otherwise, other numbers {@link Double}. Encoded bytes start with {@link #MARK}
 * (0), which no JSON text starts with.
 *
 * <p>Layout after the mark: one tag per value, lengths and counts as unsigned LEB128 varints,
 * numbers big-endian. Decoding is strict: every length is checked against what is left, so
 * arbitrary bytes give an {@link IllegalArgumentException}, never another exception.
 */
final class PlainCodec {
    static final byte MARK = 0;
    static final int MAX_DEPTH = 256;
    private static final byte NULL = 0, FALSE = 1, TRUE = 2, INT = 3, LONG = 4, DOUBLE = 5, STRING = 6, LIST = 7, MAP = 8;

    private PlainCodec() {
    }

    /** The value's compact form, or null if it is not plain (the caller then uses JSON). */
    static byte[] encode(Object value) {
        Out out = new Out();
        out.put(MARK);
        return out.value(value, 0) ? Arrays.copyOf(out.bytes, out.size) : null;
    }

    /** Decodes bytes that start with {@link #MARK}. */
    static Object decode(byte[] bytes) {
        In in = new In(bytes);
        if (bytes.length == 0 || in.u8() != MARK) {
            throw new IllegalArgumentException("not a compact message (first byte is not " + MARK + ")");
        }
        Object v = in.value(0);
        if (in.pos != bytes.length) {
            throw new IllegalArgumentException((bytes.length - in.pos) + " trailing bytes after a compact message of " + in.pos);
        }
        return v;
    }

    private static final class Out {
        byte[] bytes = new byte[64];
        int size;

        void room(int n) {
            if (size + n > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(size + n, bytes.length * 2));
            }
        }

        void put(byte b) {
            room(1);
            bytes[size++] = b;
        }

        void varint(int v) {
            room(5);
            while ((v & ~0x7f) != 0) {
                bytes[size++] = (byte) ((v & 0x7f) | 0x80);
                v >>>= 7;
            }
            bytes[size++] = (byte) v;
        }

        void fixed(long v, int n) {
            room(n);
            for (int i = n - 1; i >= 0; i--) {
                bytes[size++] = (byte) (v >>> (8 * i));
            }
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            varint(b.length);
            room(b.length);
            System.arraycopy(b, 0, bytes, size, b.length);
            size += b.length;
        }

        /** False if the value (or a part of it) is not plain. */
        boolean value(Object v, int depth) {
            // an instanceof chain, not a pattern switch: see FrameCodec (a first pattern switch costs milliseconds)
            if (v == null) {
                put(NULL);
            } else if (v instanceof String s) {
                put(STRING);
                string(s);
            } else if (v instanceof Boolean b) {
                put(b ? TRUE : FALSE);
            } else if (v instanceof Integer i) {
                integer(i);
            } else if (v instanceof Long l) {
                if (l == l.intValue()) {
                    integer(l.intValue());
                } else {
                    put(LONG);
                    fixed(l, 8);
                }
            } else if (v instanceof Double d) {
                return real(d);
            } else if (v instanceof Map<?, ?> map) {
                if (depth >= MAX_DEPTH) {
                    return false;
                }
                put(MAP);
                varint(map.size());
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!(e.getKey() instanceof String k)) {
                        return false;
                    }
                    string(k);
                    if (!value(e.getValue(), depth + 1)) {
                        return false;
                    }
                }
            } else if (v instanceof List<?> list) {
                if (depth >= MAX_DEPTH) {
                    return false;
                }
                put(LIST);
                varint(list.size());
                for (Object e : list) {
                    if (!value(e, depth + 1)) {
                        return false;
                    }
                }
            } else if (v instanceof Short s) {
                integer(s);
            } else if (v instanceof Byte b) {
                integer(b);
            } else if (v instanceof Float f) {
                return real(Double.parseDouble(f.toString())); // as Jackson writes it: 0.1f -> 0.1
            } else {
                return false;
            }
            return true;
        }

        void integer(int i) {
            put(INT);
            fixed(i, 4);
        }

        boolean real(double d) {
            if (!Double.isFinite(d)) {
                return false; // Jackson writes NaN and infinities as strings: leave them to it
            }
            put(DOUBLE);
            fixed(Double.doubleToRawLongBits(d), 8);
            return true;
        }
    }

    private static final class In {
        final byte[] bytes;
        int pos;

        In(byte[] bytes) {
            this.bytes = bytes;
        }

        void need(long n, String what) {
            if (n > bytes.length - pos) {
                throw new IllegalArgumentException(what + " of " + n + " bytes overruns the message (" + (bytes.length - pos)
                        + " left at offset " + pos + ")");
            }
        }

        int u8() {
            need(1, "a tag");
            return bytes[pos++] & 0xff;
        }

        long fixed(int n) {
            need(n, "a number");
            long v = 0;
            for (int i = 0; i < n; i++) {
                v = (v << 8) | (bytes[pos++] & 0xff);
            }
            return v;
        }

        int varint() {
            int v = 0;
            for (int shift = 0; shift < 35; shift += 7) {
                int b = u8();
                v |= (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    if (v < 0 || (shift == 28 && b > 0x07)) {
                        break;
                    }
                    return v;
                }
            }
            throw new IllegalArgumentException("bad length at offset " + pos);
        }

        String string() {
            int n = varint();
            need(n, "a string");
            String s = new String(bytes, pos, n, StandardCharsets.UTF_8);
            pos += n;
            return s;
        }

        Object value(int depth) {
            if (depth > MAX_DEPTH) {
                throw new IllegalArgumentException("values nested deeper than " + MAX_DEPTH);
            }
            int tag = u8();
            return switch (tag) {
                case NULL -> null;
                case FALSE -> Boolean.FALSE;
                case TRUE -> Boolean.TRUE;
                case INT -> (int) fixed(4);
                case LONG -> fixed(8);
                case DOUBLE -> Double.longBitsToDouble(fixed(8));
                case STRING -> string();
                case LIST -> {
                    int n = varint();
                    need(n, "a list of " + n + " values");
                    List<Object> list = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        list.add(value(depth + 1));
                    }
                    yield list;
                }
                case MAP -> {
                    int n = varint();
                    need(2L * n, "a map of " + n + " entries");
                    Map<String, Object> map = new LinkedHashMap<>();
                    for (int i = 0; i < n; i++) {
                        String k = string();
                        map.put(k, value(depth + 1));
                    }
                    yield map;
                }
                default -> throw new IllegalArgumentException("unknown value tag " + tag + " at offset " + (pos - 1));
            };
        }
    }
}
