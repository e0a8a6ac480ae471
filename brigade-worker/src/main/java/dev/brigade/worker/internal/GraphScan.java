package dev.brigade.worker.internal;

import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Looks through a message for an object that must not travel in it as it is (a MessagePort that
 * was not listed for transfer), through the shapes messages are made of: records, collections,
 * maps (keys and values) and object arrays. Other objects are not looked into, as
 * {@link GraphRewriter} does not look into them either.
 *
 * <p>A message that is not a container costs one type test. Records whose components can hold
 * nothing but leaves (primitives, strings, numbers, enums, primitive arrays) are skipped by
 * class, once the class was seen.
 */
public final class GraphScan {
    private static final ClassValue<Boolean> LEAF_RECORD = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            for (RecordComponent c : type.getRecordComponents()) {
                if (!isLeaf(c.getType())) {
                    return false;
                }
            }
            return true;
        }
    };

    private final Predicate<Object> wanted;
    private IdentityHashMap<Object, Boolean> seen;      // containers on the way, made on first use

    private GraphScan(Predicate<Object> wanted) {
        this.wanted = wanted;
    }

    /**
     * Where in {@code message} the first object matching {@code wanted} sits, as a path such as
     * {@code message.get(2).port()}; null if there is none.
     *
     * @param message the message to look through
     * @param wanted what to look for
     * @return the path, or null if nothing matches
     */
    public static String find(Object message, Predicate<Object> wanted) {
        if (!isContainer(message)) {
            return wanted.test(message) ? "message" : null;
        }
        return new GraphScan(wanted).walk(message, "message");
    }

    private static boolean isContainer(Object v) {
        return v instanceof Collection<?> || v instanceof Map<?, ?> || v instanceof Object[]
                || (v instanceof Record r && !LEAF_RECORD.get(r.getClass()));
    }

    private static boolean isLeaf(Class<?> t) {
        return t.isPrimitive() || t == String.class || Number.class.isAssignableFrom(t) && t.getName().startsWith("java.")
                || t == Boolean.class || t == Character.class || t.isEnum()
                || t.isArray() && t.getComponentType().isPrimitive();
    }

    private String walk(Object v, String path) {
        if (v == null) {
            return null;
        }
        if (wanted.test(v)) {
            return path;
        }
        if (!isContainer(v)) {
            return null;
        }
        if (seen == null) {
            seen = new IdentityHashMap<>();
        }
        if (seen.put(v, Boolean.TRUE) != null) {
            return null;
        }
        String found = null;
        if (v instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                found = walk(e.getKey(), path + ".keySet()");
                if (found == null) {
                    found = walk(e.getValue(), path + ".get(" + e.getKey() + ")");
                }
                if (found != null) {
                    break;
                }
            }
        } else if (v instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                found = walk(e, path + (c instanceof java.util.List<?> ? ".get(" + i + ")" : "[element " + i + "]"));
                if (found != null) {
                    break;
                }
                i++;
            }
        } else if (v instanceof Object[] array) {
            for (int i = 0; i < array.length && found == null; i++) {
                found = walk(array[i], path + "[" + i + "]");
            }
        } else {
            found = walkRecord((Record) v, path);
        }
        return found;
    }

    private String walkRecord(Record r, String path) {
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            if (isLeaf(c.getType())) {
                continue;
            }
            Object part;
            try {
                part = c.getAccessor().invoke(r);
            } catch (ReflectiveOperationException | RuntimeException e) {
                continue;      // a record we cannot read is passed by reference, as GraphRewriter leaves it
            }
            String found = walk(part, path + "." + c.getName() + "()");
            if (found != null) {
                return found;
            }
        }
        return null;
    }
}
