package dev.brigade.manager.daemon;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the daemon needs to run an app, as resolved by the client: the command is final
 * (absolute paths, the client's {@code java} for a jar or main class), so the daemon never
 * interprets a user's working directory or PATH. Saved as is by {@code brigade save}.
 *
 * @param name          unique among the daemon's apps
 * @param kind          what was started: {@code jar}, {@code main} (main class + class path) or {@code command}
 * @param command       argv; {@code command.get(0)} is an absolute path
 * @param cwd           the working directory of every instance
 * @param instances     how many processes (fork mode: independent copies)
 * @param env           extra environment variables (the daemon's environment is inherited)
 * @param port          given to every instance as {@code PORT}; 0 for none
 * @param maxMemoryBytes resident memory above which an instance is restarted; 0 for no limit
 * @param killTimeoutMs how long a stopping instance may take after SIGTERM before its process group is killed
 * @param listenTimeoutMs reserved for cluster mode (how long a new worker may take to listen)
 * @param maxRestarts   restarts of one instance within a minute before it is {@code errored}
 * @param restartDelayMs delay before the second restart in a row (doubles each time, at most 10 s)
 * @param mode          {@code cluster} (a Java app with a port: a Brigade Cluster whose workers share the port) or
 *                      {@code fork} (independent processes); null reads as fork (dump.json of older versions)
 * @param java          for a jar or main class: the pieces of the command, which cluster mode runs as workers; else null
 * @param host          cluster mode: the address the port is bound to; null (or {@code *}) for every interface
 * @param minUptimeMs   how long a fork-mode instance must stay up to count as started ({@code start} waits for it);
 *                      0 reads as {@link #DEFAULT_MIN_UPTIME_MS} (dump.json of older versions)
 * @param standby       cluster mode: whether the app keeps a standby worker (docs/archives.md); null reads as true
 *                      (dump.json of older versions)
 */
public record AppSpec(String name, String kind, List<String> command, String cwd, int instances,
                      Map<String, String> env, int port, long maxMemoryBytes, long killTimeoutMs,
                      long listenTimeoutMs, int maxRestarts, long restartDelayMs, String mode, JavaEntry java,
                      String host, long minUptimeMs, Boolean standby) {
    public static final String CLUSTER = "cluster";
    public static final String FORK = "fork";

    /**
     * A Java app's command in pieces: {@code jar} or {@code mainClass} + {@code classpath} (java -cp syntax, absolute).
     *
     * @param javaBin the {@code java} the client ran on (workers use it)
     */
    public record JavaEntry(String javaBin, String jar, String mainClass, String classpath, List<String> jvmArgs,
                            List<String> args) {
        public JavaEntry {
            jvmArgs = jvmArgs == null ? List.of() : List.copyOf(jvmArgs);
            args = args == null ? List.of() : List.copyOf(args);
        }
    }

    public boolean clustered() {
        return CLUSTER.equals(mode);
    }

    public static final long DEFAULT_KILL_TIMEOUT_MS = 5_000;
    public static final long DEFAULT_LISTEN_TIMEOUT_MS = 30_000;
    public static final int DEFAULT_MAX_RESTARTS = 10;
    public static final long DEFAULT_RESTART_DELAY_MS = 100;
    public static final long DEFAULT_MIN_UPTIME_MS = 1_000;

    public AppSpec {
        Objects.requireNonNull(name, "name");
        command = List.copyOf(command);
        env = env == null ? Map.of() : Map.copyOf(env);
        minUptimeMs = minUptimeMs <= 0 ? DEFAULT_MIN_UPTIME_MS : minUptimeMs;
        standby = standby == null || standby;
    }

    /** Checks what the daemon relies on; returns the problem, or null. */
    public String problem() {
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            return "name \"" + name + "\" must be 1-64 letters, digits, '.', '_' or '-' (not starting with '.', '_' or '-')";
        }
        if (name.equals("all") || name.matches("\\d+")) {
            return "name \"" + name + "\" is reserved (\"all\" and numbers select apps by id)";
        }
        if (command.isEmpty()) {
            return "no command to run";
        }
        if (instances < 1 || instances > 1024) {
            return "instances must be in 1..1024, got " + instances;
        }
        if (port < 0 || port > 65535) {
            return "port must be in 0..65535, got " + port;
        }
        if (killTimeoutMs <= 0 || listenTimeoutMs <= 0) {
            return "kill and listen timeouts must be positive";
        }
        if (maxRestarts < 0 || restartDelayMs <= 0 || maxMemoryBytes < 0) {
            return "maxRestarts and maxMemory must be >= 0, restartDelay > 0";
        }
        if (clustered() && java == null) {
            return "cluster mode needs a jar or a main class";
        }
        return null;
    }

    public AppSpec withInstances(int n) {
        return new AppSpec(name, kind, command, cwd, n, env, port, maxMemoryBytes, killTimeoutMs, listenTimeoutMs,
                maxRestarts, restartDelayMs, mode, java, host, minUptimeMs, standby);
    }
}
