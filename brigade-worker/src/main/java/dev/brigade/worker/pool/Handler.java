package dev.brigade.worker.pool;

import java.lang.reflect.InvocationTargetException;
import java.util.Map;
import java.util.TreeSet;

/**
 * A worker's task handler, resolved on the worker's own thread: a class entry is instantiated
 * there (one instance per worker), a lambda is shared. If the constructor throws, the worker
 * still runs and fails each task it takes with {@link PoolErrorCode#ERR_TASK_ENTRY}, so the cause
 * reaches the callers instead of a respawn loop.
 */
final class Handler {
    private final TaskHandler<Object, Object> handler;
    private final Map<String, TaskFunction<Object, Object>> functions;
    private final RuntimeException broken;

    @SuppressWarnings("unchecked")
    Handler(Object entry) {
        TaskHandler<Object, Object> h = null;
        Map<String, TaskFunction<Object, Object>> fns = Map.of();
        RuntimeException failure = null;
        try {
            h = entry instanceof Class<?> c
                    ? (TaskHandler<Object, Object>) c.getConstructor().newInstance()
                    : (TaskHandler<Object, Object>) entry;
            fns = Map.copyOf(h.functions());
        } catch (InvocationTargetException e) {
            failure = entryError(entry, e.getCause());
        } catch (Exception | LinkageError e) {
            failure = entryError(entry, e);
        }
        handler = h;
        functions = fns;
        broken = failure;
    }

    private static PoolException entryError(Object entry, Throwable cause) {
        String what = entry instanceof Class<?> c ? c.getName() : entry.getClass().getName();
        return new PoolException(PoolErrorCode.ERR_TASK_ENTRY, "the task handler " + what
                + " could not be created on the worker: " + cause, cause);
    }

    Object call(String name, Object input) throws Exception {
        if (broken != null) {
            throw broken;
        }
        if (name == null) {
            return handler.run(input);
        }
        TaskFunction<Object, Object> f = functions.get(name);
        if (f == null) {
            throw new PoolException(PoolErrorCode.ERR_TASK_NOT_FOUND, "no task function '" + name + "' in "
                    + handler.getClass().getName() + " (it has: run" + (functions.isEmpty() ? "" : ", "
                    + String.join(", ", new TreeSet<>(functions.keySet()))) + ")");
        }
        return f.apply(input);
    }
}
