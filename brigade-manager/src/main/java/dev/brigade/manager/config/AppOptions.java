package dev.brigade.manager.config;

import java.util.List;
import java.util.Map;

/**
 * An app as the user wrote it, on the command line or in brigade.yaml, before anything is
 * checked: values stay raw ({@code "max"}, {@code "512M"}, {@code "5s"}) so that
 * {@link AppResolver} can report them as written.
 *
 * @param script    a jar ({@code *.jar}), a main class (with {@code classpath}), or a command
 * @param classpath {@code java -cp} syntax; makes {@code script} a main class
 */
public record AppOptions(String name, String script, List<String> args, String classpath, Object instances,
                         Object port, Map<String, String> env, List<String> jvmArgs, Object maxMemory,
                         Object killTimeout, Object listenTimeout, Object maxRestarts, Object restartDelay) {
    public AppOptions {
        args = args == null ? List.of() : List.copyOf(args);
        env = env == null ? Map.of() : Map.copyOf(env);
        jvmArgs = jvmArgs == null ? List.of() : List.copyOf(jvmArgs);
    }
}
