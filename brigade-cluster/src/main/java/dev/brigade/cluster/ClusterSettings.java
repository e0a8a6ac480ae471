package dev.brigade.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Everything a primary needs to start and supervise its workers. Immutable; made with
 * {@link #builder()}, which validates every option when {@link Builder#build()} is called and
 * names the option, the value and what is valid when one is wrong. Each component is described
 * by its {@link Builder} setter, which gives its default.
 *
 * @param entry               what workers run ({@link Builder#entry})
 * @param args                program arguments of workers ({@link Builder#args})
 * @param jvmOptions          extra JVM flags of workers ({@link Builder#jvmOptions})
 * @param profile             the JVM flag profile ({@link Builder#profile})
 * @param exitOnOutOfMemory   whether workers get {@code -XX:+ExitOnOutOfMemoryError} ({@link Builder#exitOnOutOfMemory})
 * @param instances           workers started by {@link Cluster#fork()} ({@link Builder#instances})
 * @param env                 extra environment variables of workers ({@link Builder#env})
 * @param restart             when ended workers are replaced ({@link Builder#restart})
 * @param heartbeatInterval   between two heartbeats of a worker ({@link Builder#heartbeat})
 * @param heartbeatTimeout    silence after which a worker is hung ({@link Builder#heartbeat})
 * @param memoryLimitBytes    resident memory above which a worker is replaced, 0 for none ({@link Builder#memoryLimitBytes})
 * @param memoryCheckInterval how often worker memory is read ({@link Builder#memoryCheckInterval})
 * @param killTimeout         grace period of a leaving worker before SIGKILL ({@link Builder#killTimeout})
 * @param onlineTimeout       time a new worker has to come online ({@link Builder#onlineTimeout})
 * @param codec               codec of user messages ({@link Builder#codec})
 * @param maxFrameBytes       largest IPC frame ({@link Builder#maxFrameBytes})
 * @param classDataArchive    whether a class-data archive is built and used ({@link Builder#classDataArchive})
 * @param archiveDir          where archives are kept ({@link Builder#archiveDir})
 * @param java                the workers' {@code java} executable ({@link Builder#java})
 * @param output              the consumer of worker output lines ({@link Builder#output})
 * @param outputBufferLines   lines buffered for a slow consumer ({@link Builder#outputBufferLines})
 * @param shutdownHook        whether SIGTERM/SIGINT drain the workers ({@link Builder#shutdownHook})
 * @param listen              the declared ports ({@link Builder#listen(String, int)})
 * @param listenTimeout       time a new worker has to listen ({@link Builder#listenTimeout})
 * @param agentJar            the brigade-agent jar, or {@code null} ({@link Builder#agentJar})
 * @param standby             whether a standby worker is kept for the next start ({@link Builder#standby})
 */
public record ClusterSettings(
        ProcessEntry entry, List<String> args, List<String> jvmOptions, StartupProfile profile,
        boolean exitOnOutOfMemory, int instances, Map<String, String> env, RestartPolicy restart,
        Duration heartbeatInterval, Duration heartbeatTimeout, long memoryLimitBytes, Duration memoryCheckInterval,
        Duration killTimeout, Duration onlineTimeout, MessageCodec codec, int maxFrameBytes,
        boolean classDataArchive, Path archiveDir, Path java, Consumer<OutputLine> output, int outputBufferLines,
        boolean shutdownHook, List<ListenAddress> listen, Duration listenTimeout, Path agentJar, boolean standby) {

    /**
     * Settings with every default: the same program, one worker per core.
     *
     * @return the settings
     */
    public static ClusterSettings defaults() {
        return builder().build();
    }

    /**
     * A builder with every default.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder pre-filled with these settings.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.entry = entry; b.args = new ArrayList<>(args); b.jvmOptions = new ArrayList<>(jvmOptions); b.profile = profile;
        b.exitOnOutOfMemory = exitOnOutOfMemory; b.instances = instances; b.env = new LinkedHashMap<>(env);
        b.restart = restart; b.heartbeatInterval = heartbeatInterval; b.heartbeatTimeout = heartbeatTimeout;
        b.memoryLimitBytes = memoryLimitBytes; b.memoryCheckInterval = memoryCheckInterval; b.killTimeout = killTimeout;
        b.onlineTimeout = onlineTimeout; b.codec = codec; b.maxFrameBytes = maxFrameBytes;
        b.classDataArchive = classDataArchive; b.archiveDir = archiveDir; b.java = java; b.output = output;
        b.outputBufferLines = outputBufferLines; b.shutdownHook = shutdownHook;
        b.listen = new ArrayList<>(listen); b.listenTimeout = listenTimeout; b.agentJar = agentJar; b.standby = standby;
        return b;
    }

    /** Builder of {@link ClusterSettings}; every setter documents its default. */
    public static final class Builder {
        private ProcessEntry entry = ProcessEntry.sameProgram();
        private List<String> args = new ArrayList<>();
        private List<String> jvmOptions = new ArrayList<>();
        private StartupProfile profile; // null: chosen by the entry at build()
        private boolean exitOnOutOfMemory = true;
        private int instances = Runtime.getRuntime().availableProcessors();
        private Map<String, String> env = new LinkedHashMap<>();
        private RestartPolicy restart = RestartPolicy.defaults();
        private Duration heartbeatInterval = Duration.ofSeconds(1);
        private Duration heartbeatTimeout = Duration.ofSeconds(10);
        private long memoryLimitBytes;
        private Duration memoryCheckInterval = Duration.ofMillis(500);
        private Duration killTimeout = Duration.ofSeconds(5);
        private Duration onlineTimeout = Duration.ofSeconds(30);
        private MessageCodec codec = MessageCodec.json();
        private int maxFrameBytes = 4 * 1024 * 1024;
        private boolean classDataArchive = true;
        private Path archiveDir = Path.of(System.getProperty("user.home"), ".cache", "brigade", "archives");
        // No lambdas in what a worker runs as it starts (its app builds settings too): each one spins a
        // class at run time, and together they push the JDK's class generator over the JIT's threshold,
        // a compilation that holds 6.6 MB of native memory for seconds (see StartupProfile.SMALL).
        private Path java = defaultJava();
        private Consumer<OutputLine> output = new StandardOutput();
        private int outputBufferLines = 10_000;
        private boolean shutdownHook = true;
        private List<ListenAddress> listen = new ArrayList<>();
        private Duration listenTimeout = Duration.ofSeconds(30);
        private Path agentJar = AgentJar.locate();
        private boolean standby;

        private Builder() {
        }

        /**
         * What workers run; default {@link ProcessEntry#sameProgram()}.
         *
         * @param entry the program of every worker
         * @return this builder
         */
        public Builder entry(ProcessEntry entry) { this.entry = Objects.requireNonNull(entry, "entry"); return this; }

        /**
         * Program arguments for workers; default none (same program: the primary's own arguments).
         *
         * @param args the arguments, replacing any given before
         * @return this builder
         */
        public Builder args(String... args) { this.args = new ArrayList<>(List.of(args)); return this; }

        /**
         * Extra JVM flags, placed after the profile's so they win; default none.
         *
         * @param options the flags, e.g. {@code "-Xmx512m"}, replacing any given before
         * @return this builder
         */
        public Builder jvmOptions(String... options) { this.jvmOptions = new ArrayList<>(List.of(options)); return this; }

        /**
         * JVM flag profile. Default: {@link StartupProfile#SMALL} for {@link ProcessEntry#sameProgram()}
         * (small workers of the program that forks them, which also inherit its own JVM flags), and
         * {@link StartupProfile#JVM_DEFAULTS} for an explicit main class or jar (an arbitrary server runs
         * as {@code java -jar} would run it, as the {@code brigade} manager runs it).
         *
         * @param p the profile
         * @return this builder
         */
        public Builder profile(StartupProfile p) { this.profile = Objects.requireNonNull(p, "profile"); return this; }

        /**
         * Add {@code -XX:+ExitOnOutOfMemoryError} (exit code 3, then restart); default true.
         *
         * @param on whether to add it
         * @return this builder
         */
        public Builder exitOnOutOfMemory(boolean on) { this.exitOnOutOfMemory = on; return this; }

        /**
         * Workers started by {@link Cluster#fork()} with no count; default one per core.
         *
         * @param n 0..1024
         * @return this builder
         */
        public Builder instances(int n) { this.instances = n; return this; }

        /**
         * An extra environment variable for workers (they inherit the primary's environment).
         *
         * @param name  the variable's name
         * @param value its value
         * @return this builder
         */
        public Builder env(String name, String value) { this.env.put(name, value); return this; }

        /**
         * Restart policy; default {@link RestartPolicy#defaults()}.
         *
         * @param p the policy
         * @return this builder
         */
        public Builder restart(RestartPolicy p) { this.restart = Objects.requireNonNull(p, "restart"); return this; }

        /**
         * How often workers send a heartbeat, and after how long without one a worker is hung; default 1 s and 10 s (a JVM
         * on a loaded machine, or in a long GC pause, can be silent for several seconds and still be well).
         *
         * @param interval between two heartbeats
         * @param timeout  silence after which a worker is hung: at least twice {@code interval}
         * @return this builder
         */
        public Builder heartbeat(Duration interval, Duration timeout) { this.heartbeatInterval = interval; this.heartbeatTimeout = timeout; return this; }

        /**
         * Resident memory above which a worker is replaced gracefully; 0 (default) for none.
         *
         * @param bytes the limit, or 0
         * @return this builder
         */
        public Builder memoryLimitBytes(long bytes) { this.memoryLimitBytes = bytes; return this; }

        /**
         * How often worker memory is checked, at most 1 s; default 500 ms.
         *
         * @param d the interval
         * @return this builder
         */
        public Builder memoryCheckInterval(Duration d) { this.memoryCheckInterval = d; return this; }

        /**
         * How long a disconnecting worker may take before SIGKILL; default 5 s.
         *
         * @param d the grace period
         * @return this builder
         */
        public Builder killTimeout(Duration d) { this.killTimeout = d; return this; }

        /**
         * How long a new worker may take to come online before it is a boot failure; default 30 s.
         *
         * @param d the time allowed
         * @return this builder
         */
        public Builder onlineTimeout(Duration d) { this.onlineTimeout = d; return this; }

        /**
         * Codec for user messages; default {@link MessageCodec#json()}.
         *
         * @param c the codec, the same in the primary and the workers
         * @return this builder
         */
        public Builder codec(MessageCodec c) { this.codec = Objects.requireNonNull(c, "codec"); return this; }

        /**
         * Largest IPC frame, either way; default 4 MiB. A worker exceeding it is disconnected.
         *
         * @param bytes 1024..268435456
         * @return this builder
         */
        public Builder maxFrameBytes(int bytes) { this.maxFrameBytes = bytes; return this; }

        /**
         * Build a class-data archive (AppCDS, or the AOT cache on JDK 25+) on first start and reuse it; default true.
         *
         * @param on whether to use an archive
         * @return this builder
         */
        public Builder classDataArchive(boolean on) { this.classDataArchive = on; return this; }

        /**
         * Keep one standby worker: a worker process started ahead of need (a second after a worker serves), held
         * before the app's main until the next start takes it (a restart, a reload's new worker, a crash's
         * replacement, a scale-up), which then costs the app's own start only: no JVM start, no link. With a
         * class-data archive, the standby records it (the first start of a version no longer does) and starts from it.
         * It costs one idle JVM's memory. Only for an explicit entry ({@link ProcessEntry#jar},
         * {@link ProcessEntry#mainClass}) run by brigade-agent; default false ({@code brigade start} turns it on).
         *
         * @param on whether to keep a standby worker
         * @return this builder
         */
        public Builder standby(boolean on) { this.standby = on; return this; }

        /**
         * Where archives are kept; default {@code ~/.cache/brigade/archives}.
         *
         * @param dir the directory
         * @return this builder
         */
        public Builder archiveDir(Path dir) { this.archiveDir = Objects.requireNonNull(dir, "archiveDir"); return this; }

        private static Path defaultJava() {
            // java.home, not ProcessHandle: a worker builds settings too, and ProcessHandle's set-up
            // (a reaper thread pool, a spun lambda) costs it memory it never uses.
            Path home = Path.of(System.getProperty("java.home"), "bin", "java");
            if (Files.isExecutable(home)) {
                return home;
            }
            java.util.Optional<String> self = ProcessHandle.current().info().command();
            return self.isPresent() ? Path.of(self.get()) : home;
        }

        /** The default output: each line to this process's stdout or stderr. */
        private static final class StandardOutput implements Consumer<OutputLine> {
            @Override
            public void accept(OutputLine line) {
                (line.stderr() ? System.err : System.out).println(line);
            }
        }

        /**
         * The {@code java} executable for workers; default the primary's own. Workers of an explicit entry
         * ({@link ProcessEntry#jar}, {@link ProcessEntry#mainClass}) run on JDK 17 or later whatever JDK the
         * primary runs on (their worker side is brigade-agent, release 17); workers of the same program need
         * what the program needs (brigade-cluster itself: 21). Class-data archives are kept per JDK.
         *
         * @param java a JDK's {@code bin/java}
         * @return this builder
         */
        public Builder java(Path java) { this.java = Objects.requireNonNull(java, "java"); return this; }

        /**
         * Receives every line workers print, on one thread; default: printed with a {@code [worker N]} prefix.
         *
         * @param sink the consumer of lines
         * @return this builder
         */
        public Builder output(Consumer<OutputLine> sink) { this.output = Objects.requireNonNull(sink, "output"); return this; }

        /**
         * Lines buffered for a slow output sink before lines are dropped (and counted); default 10000.
         *
         * @param n at least 1
         * @return this builder
         */
        public Builder outputBufferLines(int n) { this.outputBufferLines = n; return this; }

        /**
         * Drain workers when the primary gets SIGTERM/SIGINT; default true.
         *
         * @param on whether to register the JVM shutdown hook
         * @return this builder
         */
        public Builder shutdownHook(boolean on) { this.shutdownHook = on; return this; }

        /**
         * Serves {@code port} on every IPv4 address (repeatable): see {@link ListenAddress}.
         *
         * @param port the port, or 0 for one the kernel picks ({@link Cluster#ports()} tells it)
         * @return this builder
         */
        public Builder listen(int port) { return listen("*", port); }

        /**
         * Serves {@code host:port} (repeatable): the primary binds it once, every worker inherits it.
         *
         * @param host an address of this machine, or {@code "*"} for all
         * @param port the port, or 0 for one the kernel picks
         * @return this builder
         */
        public Builder listen(String host, int port) { this.listen.add(new ListenAddress(host, port)); return this; }

        /**
         * How long a new worker may take to listen on the declared ports (reported if it does not, and
         * waited for by a reload); default 30 s.
         *
         * @param d the time allowed
         * @return this builder
         */
        public Builder listenTimeout(Duration d) { this.listenTimeout = d; return this; }

        /**
         * The brigade-agent jar attached to workers when ports are declared (it makes an unmodified
         * server adopt the inherited socket); default: found on the class path, next to the cluster's
         * jar, or in the {@code brigade.agent.jar} system property. {@code null}: no agent (the app
         * adopts the socket itself, e.g. with the Netty helper).
         *
         * @param jar the agent jar, or {@code null}
         * @return this builder
         */
        public Builder agentJar(Path jar) { this.agentJar = jar; return this; }

        /**
         * Validates and builds.
         *
         * @return the settings
         * @throws IllegalArgumentException naming the first wrong option, its value and what is valid
         */
        public ClusterSettings build() {
            if (instances < 0 || instances > 1024) {
                throw new IllegalArgumentException("instances must be in 0..1024, got " + instances);
            }
            RestartPolicy.positive("heartbeat.interval", heartbeatInterval);
            RestartPolicy.positive("heartbeat.timeout", heartbeatTimeout);
            // plus, not multipliedBy(2): Duration.multipliedBy goes through BigDecimal, whose class
            // initialisation allocates several MB (measured), and every worker builds its settings
            if (heartbeatTimeout.compareTo(heartbeatInterval.plus(heartbeatInterval)) < 0) {
                throw new IllegalArgumentException("heartbeat.timeout (" + heartbeatTimeout.toMillis()
                        + " ms) must be at least twice heartbeat.interval (" + heartbeatInterval.toMillis() + " ms)");
            }
            if (memoryLimitBytes < 0) {
                throw new IllegalArgumentException("memoryLimitBytes must be >= 0 (0 = no limit), got " + memoryLimitBytes);
            }
            RestartPolicy.positive("memoryCheckInterval", memoryCheckInterval);
            if (memoryCheckInterval.compareTo(Duration.ofSeconds(1)) > 0) {
                throw new IllegalArgumentException("memoryCheckInterval must be at most 1 s, got " + memoryCheckInterval.toMillis() + " ms");
            }
            RestartPolicy.positive("killTimeout", killTimeout);
            RestartPolicy.positive("onlineTimeout", onlineTimeout);
            if (maxFrameBytes < 1024 || maxFrameBytes > 256 * 1024 * 1024) {
                throw new IllegalArgumentException("maxFrameBytes must be in 1024..268435456, got " + maxFrameBytes);
            }
            if (!Files.isExecutable(java)) {
                throw new IllegalArgumentException("java: " + java + " is not an executable file (valid: a JDK's bin/java)");
            }
            if (outputBufferLines < 1) {
                throw new IllegalArgumentException("outputBufferLines must be >= 1, got " + outputBufferLines);
            }
            for (String name : env.keySet()) {
                if (name.isEmpty() || name.contains("=") || name.contains("\0")) {
                    throw new IllegalArgumentException("env: \"" + name + "\" is not a valid variable name");
                }
            }
            RestartPolicy.positive("listenTimeout", listenTimeout);
            if (agentJar != null && !Files.isRegularFile(agentJar)) {
                throw new IllegalArgumentException("agentJar: " + agentJar + " is not a file (valid: the brigade-agent jar, or null)");
            }
            StartupProfile chosen = profile != null ? profile
                    : entry instanceof ProcessEntry.SameProgram ? StartupProfile.SMALL : StartupProfile.JVM_DEFAULTS;
            return new ClusterSettings(entry, List.copyOf(args), List.copyOf(jvmOptions), chosen, exitOnOutOfMemory,
                    instances, Map.copyOf(env), restart, heartbeatInterval, heartbeatTimeout, memoryLimitBytes,
                    memoryCheckInterval, killTimeout, onlineTimeout, codec, maxFrameBytes, classDataArchive, archiveDir,
                    java, output, outputBufferLines, shutdownHook, List.copyOf(listen), listenTimeout, agentJar, standby);
        }
    }
}
