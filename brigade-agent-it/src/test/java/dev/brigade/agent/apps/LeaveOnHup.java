package dev.brigade.agent.apps;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.function.Function;
import sun.misc.Signal;

/**
 * Runs another test app unchanged, and on SIGHUP does what brigade-cluster's worker runtime does
 * when the primary disconnects it: calls the agent's leave hook (drain timeout 0), then prints
 * {@code LEFT <report>}. The app itself is told nothing. Args: app-class-simple-name app-args...
 */
public final class LeaveOnHup {
    public static void main(String[] args) throws Throwable {
        Signal.handle(new Signal("HUP"), s -> new Thread(LeaveOnHup::leave, "leave").start());
        Method main = Class.forName("dev.brigade.agent.apps." + args[0]).getMethod("main", String[].class);
        main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    }

    @SuppressWarnings("unchecked")
    private static void leave() {
        try {
            Function<Object, Object> hook = (Function<Object, Object>) Class.forName("dev.brigade.agent.internal.Hooks")
                    .getField("LEAVE").get(null);
            System.out.println("LEFT " + hook.apply(0L));
        } catch (ReflectiveOperationException e) {
            System.out.println("LEFT failed: " + e);
        }
        System.out.flush();
    }
}
