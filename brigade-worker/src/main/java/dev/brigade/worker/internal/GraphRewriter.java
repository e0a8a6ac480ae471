package dev.brigade.worker.internal;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds a message so that each transferred ByteBuffer is replaced by a fresh view for the
 * receiver. It walks records, lists, maps and object arrays (the shapes messages are made of);
 * containers that hold no transferred buffer are kept as they are, so a message without
 * buffers is never copied. Other objects are passed by reference and not looked into.
 */
public final class GraphRewriter {
    private final Map<Object, Object> replacements;       // transferred buffer -> fresh view
    private final Map<Object, Object> found = new IdentityHashMap<>();
    private final Map<Object, Boolean> visiting = new IdentityHashMap<>();

    /**
     * A rewriter for one message.
     *
     * @param replacements each transferred buffer, mapped to the fresh view the receiver gets
     */
    public GraphRewriter(Map<Object, Object> replacements) {
        this.replacements = replacements;
    }

    /**
     * Whether the last rewrite reached {@code buffer} (and so replaced it).
     *
     * @param buffer a buffer from the transfer list
     * @return true if it was found in the message
     */
    public boolean reached(Object buffer) {
        return found.containsKey(buffer);
    }

    /**
     * The message with each transferred buffer replaced; containers on the way are copied, others kept.
     *
     * @param value the message
     * @return the message the receiver gets
     * @throws RecordAccessException if a record on the way to a buffer cannot be rebuilt
     */
    public Object rewrite(Object value) {
        if (value == null) {
            return null;
        }
        Object fresh = replacements.get(value);
        if (fresh != null) {
            found.put(value, fresh);
            return fresh;
        }
        if (visiting.put(value, Boolean.TRUE) != null) {
            return value; // a cycle: keep the reference
        }
        try {
            if (value instanceof List<?> list) {
                return rewriteList(list);
            }
            if (value instanceof Map<?, ?> map) {
                return rewriteMap(map);
            }
            if (value instanceof Object[] array) {
                return rewriteArray(array);
            }
            if (value instanceof Record rec) {
                return rewriteRecord(rec);
            }
            return value;
        } finally {
            visiting.remove(value);
        }
    }

    private Object rewriteList(List<?> list) {
        List<Object> out = new ArrayList<>(list.size());
        boolean changed = false;
        for (Object e : list) {
            Object r = rewrite(e);
            changed |= r != e;
            out.add(r);
        }
        return changed ? out : list;
    }

    private Object rewriteMap(Map<?, ?> map) {
        Map<Object, Object> out = new LinkedHashMap<>();
        boolean changed = false;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            Object r = rewrite(e.getValue());
            changed |= r != e.getValue();
            out.put(e.getKey(), r);
        }
        return changed ? out : map;
    }

    private Object rewriteArray(Object[] array) {
        Object[] out = null;
        for (int i = 0; i < array.length; i++) {
            Object r = rewrite(array[i]);
            if (r != array[i]) {
                if (out == null) {
                    out = array.clone();
                }
                out[i] = r;
            }
        }
        return out == null ? array : out;
    }

    private Object rewriteRecord(Record rec) {
        RecordComponent[] parts = rec.getClass().getRecordComponents();
        Object[] args = new Object[parts.length];
        Class<?>[] types = new Class<?>[parts.length];
        boolean changed = false;
        try {
            for (int i = 0; i < parts.length; i++) {
                Object v = parts[i].getAccessor().invoke(rec);
                args[i] = rewrite(v);
                changed |= args[i] != v;
                types[i] = parts[i].getType();
            }
            if (!changed) {
                return rec;
            }
            Constructor<?> canonical = rec.getClass().getDeclaredConstructor(types);
            return canonical.newInstance(args);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new RecordAccessException(rec.getClass(), e);
        }
    }

    /** A record on the path to a transferred buffer could not be read or rebuilt. */
    public static final class RecordAccessException extends RuntimeException {
        /** The record class that could not be rebuilt. */
        public final Class<?> type;

        RecordAccessException(Class<?> type, Throwable cause) {
            super(cause);
            this.type = type;
        }
    }
}
