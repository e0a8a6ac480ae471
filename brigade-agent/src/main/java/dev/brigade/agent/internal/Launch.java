package dev.brigade.agent.internal;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.jar.JarFile;

/**
 * What a worker started as {@code java -javaagent:brigade-agent.jar=worker:jar -jar app.jar} (or
 * {@code =worker:main ... -cp CP Main}) adds to the JVM's own launch, from the agent's premain,
 * which runs on the thread that will run the app's main:
 * <ul>
 *   <li>boot errors keep brigade-cluster's protocol: an entry the JVM cannot launch (a jar without
 *       {@code Main-Class}, a main class not on the class path, a missing dependency, no main method: the JVM prints
 *       its own error and exits with 1) ends the worker with exit code 78 and a line
 *       {@code brigade: cannot start worker: ...} naming the cause, printed by a shutdown hook that sees the JVM's
 *       launcher on the main thread's stack;</li>
 *   <li>an exception thrown out of the app's main ends the worker with code 1 even if the app started
 *       other threads (a crash the primary sees), as brigade-cluster's launcher did.</li>
 * </ul>
 * A worker reads nothing of the entry here: the JVM's launcher opens the jar and loads the main class right after the
 * premain, exactly as without Brigade, and the entry is examined only when that failed. A check made here would open
 * the jar and search the class path twice on every start (8-15 ms of a new JVM's, measured). A standby, whose start
 * is on no restart's path, checks it before it holds.
 */
public final class Launch {
    static final int BOOT_ERROR = 78, UNCAUGHT = 1;
    private static final String PREFIX = "brigade: cannot start worker: ";

    private Launch() {
    }

    /**
     * Installs the exit paths of a worker whose entry is {@code mode} ("jar" or "main"). A standby checks the entry
     * first, as its start is on no restart's path: one whose jar cannot start ends before it holds, and its primary
     * keeps none of that version.
     */
    public static void prepare(String mode) {
        if ("1".equals(System.getenv(Standby.ENV_STANDBY))) {
            String error = entryError(mode);
            if (error != null) {
                exit(BOOT_ERROR, PREFIX + error, 0);
                return;
            }
        }
        Thread main = Thread.currentThread();
        if (main.getUncaughtExceptionHandler() == main.getThreadGroup()) {
            main.setUncaughtExceptionHandler(new Exits(main, mode, false));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(null, new Exits(main, mode, true), "brigade-boot-check", 256 * 1024));
    }

    /**
     * What keeps the entry {@code mode} names from starting, found without loading the main class (the JVM loads it
     * itself, after the manifest's {@code Launcher-Agent-Class} ran): a jar without {@code Main-Class}, a main class
     * that is not on the class path; null if none of those.
     */
    private static String entryError(String mode) {
        String cp = System.getProperty("java.class.path", "");
        String main;
        try {
            main = mainClass(mode);
        } catch (IOException e) {
            return "jar " + cp + " cannot be read as a jar: " + e.getMessage();
        }
        if (main == null) {
            return "jar " + cp + " has no Main-Class in its manifest";
        }
        if (!main.isEmpty() && ClassLoader.getSystemClassLoader().getResource(main.replace('.', '/') + ".class") == null) {
            return "main class " + main + " not found on the class path " + cp;
        }
        return null;
    }

    /** Why the JVM could not launch the entry {@code mode} names, in brigade-cluster's words. */
    static String diagnoseEntry(String mode) {
        String error = entryError(mode);
        if (error != null) {
            return error;
        }
        try {
            String main = mainClass(mode);
            return main.isEmpty() ? "the JVM could not launch the app (its error is above)" : diagnose(main);
        } catch (IOException e) {
            return "the JVM could not launch the app (its error is above)";
        }
    }

    /** The entry's main class: the jar's {@code Main-Class} (null if it has none), or the command's first word. */
    private static String mainClass(String mode) throws IOException {
        if (mode.equals("jar")) {
            try (JarFile jf = new JarFile(System.getProperty("java.class.path", ""))) {
                var manifest = jf.getManifest();
                String main = manifest == null ? null : manifest.getMainAttributes().getValue("Main-Class");
                return main == null || main.isBlank() ? null : main.trim();
            }
        }
        String command = System.getProperty("sun.java.command", "").trim();
        return command.isEmpty() ? "" : command.split("\\s+", 2)[0];
    }

    /** The main thread's uncaught-exception handler, and the shutdown hook that turns a failed launch into a boot error. */
    private static final class Exits implements Thread.UncaughtExceptionHandler, Runnable {
        private final Thread main;
        private final String mode;
        private final boolean hook;

        Exits(Thread main, String mode, boolean hook) {
            this.main = main;
            this.mode = mode;
            this.hook = hook;
        }

        @Override
        public void uncaughtException(Thread t, Throwable e) {
            t.getThreadGroup().uncaughtException(t, e); // printed as the JVM prints it
            System.err.flush();
            exit(UNCAUGHT, null, 10_000);
        }

        /** At exit: if the JVM's launcher is exiting on the main thread, the app's main never ran. */
        @Override
        public void run() {
            if (!hook) {
                return;
            }
            for (StackTraceElement frame : main.getStackTrace()) {
                if (frame.getClassName().equals("sun.launcher.LauncherHelper")) {
                    System.err.println(PREFIX + diagnoseEntry(mode));
                    System.err.flush();
                    Runtime.getRuntime().halt(BOOT_ERROR);
                }
            }
        }
    }

    /** Why the JVM could not launch {@code className}, in brigade-cluster's words. */
    static String diagnose(String className) {
        String cp = System.getProperty("java.class.path");
        try {
            Class<?> c = Class.forName(className, false, ClassLoader.getSystemClassLoader());
            Method m = c.getMethod("main", String[].class);
            if (!Modifier.isStatic(m.getModifiers())) {
                return "main class " + className + " has no static main(String[]) method";
            }
            return "the JVM could not launch main class " + className + " (its error is above)";
        } catch (ClassNotFoundException e) {
            return "main class " + className + " not found on the class path " + cp;
        } catch (NoClassDefFoundError e) {
            return "main class " + className + " needs " + String.valueOf(e.getMessage()).replace('/', '.')
                    + ", which is not on the class path " + cp
                    + " (a jar without its dependencies? give every jar with --cp, or build a jar that bundles them)";
        } catch (NoSuchMethodException e) {
            return "main class " + className + " has no public static main(String[]) method";
        } catch (LinkageError | RuntimeException e) {
            return "main class " + className + " cannot be loaded: " + e;
        }
    }

    /**
     * Prints {@code message} (if any) on stderr and exits with {@code code}: at once (halt) when {@code graceMillis}
     * is 0, else through {@code System.exit} (shutdown hooks run) on a new non-daemon thread, halted after the grace.
     */
    static void exit(int code, String message, long graceMillis) {
        if (message != null) {
            System.err.println(message);
        }
        System.err.flush();
        if (graceMillis <= 0) {
            Runtime.getRuntime().halt(code);
            return;
        }
        Thread halt = new Thread(null, new Halt(code, graceMillis, false), "brigade-exit-deadline", 128 * 1024);
        halt.setDaemon(true);
        halt.start();
        Thread exit = new Thread(null, new Halt(code, 0, true), "brigade-exit", 256 * 1024);
        exit.setDaemon(false);
        exit.start();
    }

    private static final class Halt implements Runnable {
        private final int code;
        private final long afterMillis;
        private final boolean exit;

        Halt(int code, long afterMillis, boolean exit) {
            this.code = code;
            this.afterMillis = afterMillis;
            this.exit = exit;
        }

        @Override
        public void run() {
            if (exit) {
                System.exit(code);
                return;
            }
            try {
                Thread.sleep(afterMillis);
            } catch (InterruptedException ignored) {
                // halt anyway
            }
            Runtime.getRuntime().halt(code);
        }
    }
}
