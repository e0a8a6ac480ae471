package dev.brigade.cluster.internal;

import dev.brigade.cluster.ExitCodes;
import dev.brigade.cluster.MessageCodec;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.jar.JarFile;

/**
 * The main class of worker JVMs started from an explicit entry when no brigade-agent jar is
 * available ({@code ClusterSettings.agentJar(null)}); with one, the JVM runs the app itself and the
 * agent is the worker side (see {@link CommandLine}). Arguments: {@code --main CLASS args...} or
 * {@code --jar FILE args...}. It finds the app's main method first (a missing class or a bad
 * jar exits with {@link ExitCodes#BOOT_ERROR} and a one-line reason on stderr, which the
 * primary reports), then connects to the primary (the worker is online), then runs the app.
 */
public final class WorkerLauncher {
    private WorkerLauncher() {
    }

    public static void main(String[] args) throws Throwable {
        if (args.length < 2 || !(args[0].equals("--main") || args[0].equals("--jar"))) {
            bootError("usage: WorkerLauncher --main CLASS [ARGS...] | --jar FILE [ARGS...], got " + Arrays.toString(args));
        }
        String className = args[0].equals("--jar") ? mainClassOf(args[1]) : args[1];
        Method main = mainMethod(className);
        WorkerRuntime rt = WorkerRuntime.connect(MessageCodec.json());
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        } finally {
            rt.mainReturned();
        }
    }

    private static String mainClassOf(String jar) {
        try (JarFile jf = new JarFile(jar)) {
            var manifest = jf.getManifest();
            String main = manifest == null ? null : manifest.getMainAttributes().getValue("Main-Class");
            if (main == null || main.isBlank()) {
                bootError("jar " + jar + " has no Main-Class in its manifest");
            }
            return main.trim();
        } catch (IOException e) {
            bootError("jar " + jar + " cannot be read as a jar: " + e.getMessage());
            return null;
        }
    }

    private static Method mainMethod(String className) {
        try {
            Class<?> c = Class.forName(className, false, ClassLoader.getSystemClassLoader());
            Method m = c.getMethod("main", String[].class);
            if (!Modifier.isStatic(m.getModifiers())) {
                bootError("main class " + className + " has no static main(String[]) method");
            }
            return m;
        } catch (ClassNotFoundException e) {
            bootError("main class " + className + " not found on the class path " + System.getProperty("java.class.path"));
        } catch (NoClassDefFoundError e) {
            // The class is there but something it refers to is not: typically a jar run without its dependencies.
            bootError("main class " + className + " needs " + String.valueOf(e.getMessage()).replace('/', '.')
                    + ", which is not on the class path " + System.getProperty("java.class.path")
                    + " (a jar without its dependencies? give every jar with --cp, or build a jar that bundles them)");
        } catch (NoSuchMethodException e) {
            bootError("main class " + className + " has no public static main(String[]) method");
        }
        return null;
    }

    private static void bootError(String message) {
        System.err.println("brigade: cannot start worker: " + message);
        System.err.flush();
        System.exit(ExitCodes.BOOT_ERROR);
    }
}
