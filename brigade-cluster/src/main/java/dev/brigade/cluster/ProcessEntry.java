package dev.brigade.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What a worker process of a cluster runs (not to be confused with {@code dev.brigade.worker.WorkerEntry},
 * the code a worker <em>thread</em> runs). Node's cluster re-executes the same script; Brigade does the same by
 * default ({@link #sameProgram()}) and also runs an explicit entry: a main class on a class
 * path, or an executable jar. A worker of an explicit entry is the JVM running the app as it
 * would without Brigade ({@code java -jar app.jar}, {@code java -cp CP Main}), with brigade-agent
 * added: the agent's premain connects the worker to the primary before the app's {@code main}
 * runs, so even an app that never calls {@link Cluster} comes online, and a missing main class
 * is reported as a boot failure. The app's class path holds the app's jars only, and the JVM
 * honours the jar's manifest (Add-Opens, Add-Exports, Enable-Native-Access,
 * Launcher-Agent-Class). Workers run on JDK 17 or later ({@link ClusterSettings.Builder#java}).
 * Without an agent jar ({@code agentJar(null)}) Brigade's own launcher runs the app, with
 * brigade-cluster and its dependencies on the class path and JDK 21 or later.
 */
public sealed interface ProcessEntry {
    // Factories below are the way to make one; the records are public so that a switch can read them.

    /** Re-execute the primary's own program: same JVM, class path or jar, main class and JVM flags. */
    record SameProgram() implements ProcessEntry {
    }

    /**
     * Run {@code mainClass} with this class path, as {@code java -cp CLASSPATH MAINCLASS} would (Brigade adds
     * its agent, not its jars).
     *
     * @param mainClass the class whose {@code public static void main(String[])} runs
     * @param classPath the app's directories and jars, in order
     */
    record MainClass(String mainClass, List<Path> classPath) implements ProcessEntry {
        /** Checks that the class is named and every class path entry is readable. */
        public MainClass {
            Objects.requireNonNull(mainClass, "mainClass");
            if (mainClass.isBlank()) {
                throw new IllegalArgumentException("entry.mainClass must be a class name, got \"" + mainClass + "\"");
            }
            classPath = List.copyOf(classPath);
            for (Path p : classPath) {
                if (!Files.isReadable(p)) {
                    throw new IllegalArgumentException("entry.classPath: " + p + (Files.exists(p) ? " is not readable"
                            : " does not exist") + " (valid: readable directories and jar files)");
                }
            }
        }
    }

    /**
     * Run an executable jar as {@code java -jar JAR} would: its manifest's {@code Main-Class}, {@code Class-Path},
     * {@code Add-Opens}, {@code Add-Exports}, {@code Enable-Native-Access} and {@code Launcher-Agent-Class}.
     *
     * @param jar the jar file
     */
    record Jar(Path jar) implements ProcessEntry {
        /** Checks that the jar is a readable file. */
        public Jar {
            Objects.requireNonNull(jar, "jar");
            if (!Files.isRegularFile(jar) || !Files.isReadable(jar)) {
                throw new IllegalArgumentException("entry.jar: " + jar + (Files.exists(jar) ? " is not a readable file"
                        : " does not exist") + " (valid: a readable executable jar)");
            }
        }
    }

    /**
     * The default: the primary's own program, re-executed (see {@link SameProgram}).
     *
     * @return the same-program entry
     */
    static ProcessEntry sameProgram() {
        return new SameProgram();
    }

    /**
     * A main class on a class path, e.g. {@code mainClass("com.example.Main", List.of(Path.of("app.jar")))}.
     *
     * @throws IllegalArgumentException if the class name is blank or a class path entry cannot be read
     *
     * @param mainClass the main class's binary name
     * @param classPath the app's directories and jars
     * @return the entry
     */
    static ProcessEntry mainClass(String mainClass, List<Path> classPath) {
        return new MainClass(mainClass, classPath);
    }

    /**
     * A main class with a class path in the {@code java -cp} syntax ({@code a.jar:classes/}).
     *
     * @param mainClass the main class's binary name
     * @param classPath entries separated by the platform's path separator
     * @return the entry
     */
    static ProcessEntry mainClass(String mainClass, String classPath) {
        return new MainClass(mainClass, java.util.Arrays.stream(classPath.split(java.io.File.pathSeparator))
                .filter(s -> !s.isEmpty()).map(Path::of).toList());
    }

    /**
     * An executable jar: any server (JDK HttpServer, Jetty, Tomcat, Netty, Spring Boot...) runs unchanged.
     * Workers of an explicit entry run with the JVM's own defaults unless a profile is chosen
     * ({@link ClusterSettings.Builder#profile}).
     *
     * @throws IllegalArgumentException if {@code jar} is not a readable file
     *
     * @param jar the jar file
     * @return the entry
     */
    static ProcessEntry jar(Path jar) {
        return new Jar(jar);
    }
}
