package dev.brigade.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What a worker JVM runs. Node's cluster re-executes the same script; Brigade does the same by
 * default ({@link #sameProgram()}) and also runs an explicit entry: a main class on a class
 * path, or an executable jar. Explicit entries start through Brigade's launcher, which connects
 * to the primary before the app's {@code main} runs, so even an app that never calls
 * {@link Cluster} comes online, and a missing main class is reported as a boot failure.
 */
public sealed interface WorkerEntry {
    /** Re-execute the primary's own program: same JVM, class path or jar, main class and JVM flags. */
    record SameProgram() implements WorkerEntry {
    }

    /** Run {@code mainClass} with this class path (Brigade's own jars are added). */
    record MainClass(String mainClass, List<Path> classPath) implements WorkerEntry {
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

    /** Run an executable jar (its manifest's {@code Main-Class}). */
    record Jar(Path jar) implements WorkerEntry {
        public Jar {
            Objects.requireNonNull(jar, "jar");
            if (!Files.isRegularFile(jar) || !Files.isReadable(jar)) {
                throw new IllegalArgumentException("entry.jar: " + jar + (Files.exists(jar) ? " is not a readable file"
                        : " does not exist") + " (valid: a readable executable jar)");
            }
        }
    }

    static WorkerEntry sameProgram() {
        return new SameProgram();
    }

    static WorkerEntry mainClass(String mainClass, List<Path> classPath) {
        return new MainClass(mainClass, classPath);
    }

    /** A main class with a class path in the {@code java -cp} syntax ({@code a.jar:classes/}). */
    static WorkerEntry mainClass(String mainClass, String classPath) {
        return new MainClass(mainClass, java.util.Arrays.stream(classPath.split(java.io.File.pathSeparator))
                .filter(s -> !s.isEmpty()).map(Path::of).toList());
    }

    static WorkerEntry jar(Path jar) {
        return new Jar(jar);
    }
}
