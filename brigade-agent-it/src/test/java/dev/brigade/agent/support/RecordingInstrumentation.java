package dev.brigade.agent.support;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@link Instrumentation} that records which transformers are registered and which classes are retransformed,
 * and does nothing else (module redefinitions are ignored): for the agent's registration logic, whose effect on a
 * real JVM (the class-file load hook on or off) Java code cannot observe.
 */
public final class RecordingInstrumentation {
    /** Transformers registered now, in registration order. */
    public final List<ClassFileTransformer> registered = new ArrayList<>();
    /** Every transformer ever registered. */
    public final List<ClassFileTransformer> everRegistered = new ArrayList<>();
    /** The classes passed to retransformClasses, in order. */
    public final List<Class<?>> retransformed = new ArrayList<>();
    /** The proxy to hand to the agent. */
    public final Instrumentation inst;

    public RecordingInstrumentation() {
        inst = (Instrumentation) Proxy.newProxyInstance(Instrumentation.class.getClassLoader(), new Class<?>[] {Instrumentation.class},
                (proxy, m, args) -> {
                    synchronized (this) {
                        switch (m.getName()) {
                            case "addTransformer" -> {
                                registered.add((ClassFileTransformer) args[0]);
                                everRegistered.add((ClassFileTransformer) args[0]);
                            }
                            case "removeTransformer" -> {
                                return registered.remove((ClassFileTransformer) args[0]);
                            }
                            case "retransformClasses" -> retransformed.addAll(List.of((Class<?>[]) args[0]));
                            case "getAllLoadedClasses" -> {
                                return new Class<?>[] {Class.forName("sun.nio.ch.NioSocketImpl", false, null),
                                        Class.forName("sun.nio.ch.SocketChannelImpl", false, null)};
                            }
                            case "isRetransformClassesSupported", "isModifiableClass", "isRedefineClassesSupported" -> {
                                return true;
                            }
                            case "hashCode" -> {
                                return System.identityHashCode(proxy);
                            }
                            case "equals" -> {
                                return proxy == args[0];
                            }
                            case "toString" -> {
                                return "RecordingInstrumentation";
                            }
                            default -> {
                                return null;
                            }
                        }
                        return null;
                    }
                });
    }
}
