package dev.brigade.manager.config;

import java.util.List;
import java.util.Map;

/**
 * An app as the user wrote it, on the command line or in brigade.yaml, before anything is
 * checked: values stay raw ({@code "max"}, {@code "512M"}, {@code "5s"}) so that
 * {@link AppResolver} can report them as written.
 *
 * @param script    a jar ({@code *.jar}), a main class (with {@code classpath}), or a command
 * @param classpath {@code java -cp} syntax ({@code dir/*} for every jar of a directory); makes {@code script} a main class
 * @param host      the address declared ports are bound to; null: every interface
 * @param minUptime how long a fork-mode instance must stay up to count as started (PM2's min_uptime)
 * @param java      the JDK of a jar's or main class's JVMs (workers too): a JDK home, its bin/java, or a version
 *                  (17, 21, 25) of an installed JDK ({@link Jdks}); null: the JDK the command ran on
 * @param standby   cluster mode: whether the app keeps a standby worker ({@code true}/{@code false}); null: it does
 */
public record AppOptions(String name, String script, List<String> args, String classpath, Object instances,
                         Object port, String host, Map<String, String> env, List<String> jvmArgs, Object maxMemory,
                         Object killTimeout, Object listenTimeout, Object maxRestarts, Object restartDelay,
                         Object minUptime, String java, Object standby) {
    public AppOptions {
        args = args == null ? List.of() : List.copyOf(args);
        env = env == null ? Map.of() : Map.copyOf(env);
        jvmArgs = jvmArgs == null ? List.of() : List.copyOf(jvmArgs);
    }
}
