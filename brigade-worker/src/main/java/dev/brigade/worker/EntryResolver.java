package dev.brigade.worker;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;

/** Turns a worker's entry (an instance, a class, or a class name) into a {@link WorkerEntry}. */
final class EntryResolver {
    private EntryResolver() {
    }

    static WorkerEntry resolve(Object source) {
        if (source instanceof WorkerEntry e) {
            return e;
        }
        Class<?> type = source instanceof Class<?> c ? c : load((String) source);
        if (!WorkerEntry.class.isAssignableFrom(type)) {
            throw entryError("class " + type.getName() + " does not implement " + WorkerEntry.class.getName(), null);
        }
        try {
            return (WorkerEntry) type.getConstructor().newInstance();
        } catch (NoSuchMethodException e) {
            throw entryError("class " + type.getName() + " needs a public no-argument constructor", e);
        } catch (InvocationTargetException e) {
            throw entryError("the constructor of " + type.getName() + " threw " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            String why = Modifier.isAbstract(type.getModifiers()) ? " is abstract" : " cannot be instantiated: " + e;
            throw entryError("class " + type.getName() + why, e);
        }
    }

    private static Class<?> load(String name) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try {
            return Class.forName(name, true, loader != null ? loader : EntryResolver.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw entryError("worker entry class '" + name + "' was not found on the class path", e);
        } catch (LinkageError e) {
            throw entryError("worker entry class '" + name + "' could not be loaded: " + e, e);
        }
    }

    private static WorkerException entryError(String message, Throwable cause) {
        return new WorkerException(ErrorCode.ERR_WORKER_ENTRY, message, cause);
    }
}
