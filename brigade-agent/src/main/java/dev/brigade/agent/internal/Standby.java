package dev.brigade.agent.internal;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Field;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * A standby worker: its primary starts it ahead of need with {@value #ENV_STANDBY}{@code =1}, and it does all a worker
 * does before the app's main (the JVM with its class-data archive, this agent's premain, the link to the primary), then
 * holds there ({@link #hold}) until the primary says go with the instance slot it is to fill. A restart, a reload or a
 * crash's replacement then costs the app's own start only.
 *
 * <p>Its environment was made at spawn, when its slot was not known: on go, {@code BRIGADE_INSTANCE} is set to the
 * slot and {@value #ENV_STANDBY} removed in the JVM's copy of the environment, which {@code System.getenv} reads and
 * which a {@code ProcessBuilder} whose {@code environment()} was asked for gives the process it starts. The process
 * environment itself cannot be changed without native code: C's {@code getenv} in native code, and a process started
 * by {@code Runtime.exec} or by a {@code ProcessBuilder} whose environment was never asked for (it inherits the
 * process environment), see the values of the spawn ({@code BRIGADE_INSTANCE=-1}, {@code BRIGADE_STANDBY=1}).
 * Nothing of the app runs before go: a standby that is never used (stopped, or dropped because the app's jars
 * changed) leaves without a trace of the app.
 */
public final class Standby {
    static final String ENV_STANDBY = "BRIGADE_STANDBY", ENV_INSTANCE = "BRIGADE_INSTANCE";
    private static volatile CountDownLatch go;
    private static volatile int instance = -1;

    private Standby() {
    }

    /** Called as the link starts: true if this worker is a standby (it then holds until {@link #go}). */
    static boolean begin() {
        if ("1".equals(System.getenv(ENV_STANDBY))) {
            go = new CountDownLatch(1);
            return true;
        }
        return false;
    }

    /** True while this worker is a standby that has not been told to go (its app has not started). */
    static boolean waiting() {
        CountDownLatch g = go;
        return g != null && g.getCount() > 0;
    }

    /** The primary's go, read by the link: the app starts as instance {@code slot}. */
    static void go(int slot) {
        instance = slot;
        CountDownLatch g = go;
        if (g != null) {
            g.countDown();
        }
    }

    /**
     * On the main thread, in premain: returns at once unless this worker is a standby; else makes the environment
     * writable (a JDK where that fails ends the standby with the boot-error code: its primary starts no more of them),
     * waits for go, and sets the instance.
     */
    public static void hold(Instrumentation inst) {
        CountDownLatch g = go;
        if (g == null) {
            return;
        }
        Map<String, String> env;
        try {
            env = writableEnvironment(inst);
        } catch (ReflectiveOperationException | RuntimeException e) {
            Launch.exit(Launch.BOOT_ERROR, "brigade: a standby worker cannot set " + ENV_INSTANCE + " on this JDK (" + e
                    + "): no standby workers for this app", 0);
            return;
        }
        if (Hooks.LEAVE instanceof Departure leave) {
            Thread warm = new Thread(null, leave::warm, "brigade-warm-leave", 256 * 1024);
            warm.setDaemon(true);
            warm.start();
        }
        boolean interrupted = false;
        while (true) {
            try {
                g.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        env.put(ENV_INSTANCE, Integer.toString(instance));
        env.remove(ENV_STANDBY);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The map behind {@code System.getenv()} ({@code ProcessEnvironment}'s), which takes puts and removes. */
    @SuppressWarnings("unchecked")
    private static Map<String, String> writableEnvironment(Instrumentation inst) throws ReflectiveOperationException {
        Module self = Standby.class.getModule();
        inst.redefineModule(Object.class.getModule(), Set.of(), Map.of(),
                Map.of("java.lang", Set.of(self), "java.util", Set.of(self)), Set.of(), Map.of());
        Field unmodifiable = Class.forName("java.lang.ProcessEnvironment").getDeclaredField("theUnmodifiableEnvironment");
        unmodifiable.setAccessible(true);
        Object view = unmodifiable.get(null);
        Field inner = Class.forName("java.util.Collections$UnmodifiableMap").getDeclaredField("m");
        inner.setAccessible(true);
        Map<String, String> env = (Map<String, String>) inner.get(view);
        env.put(ENV_STANDBY, "1"); // fails here, not after go, if the map is not writable
        return env;
    }
}
