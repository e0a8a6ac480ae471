package dev.brigade.cluster.internal;

import dev.brigade.cluster.ClusterSettings;
import dev.brigade.cluster.ProcessEntry;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a worker's {@code java} command line: profile flags, then the JVM flags of the entry
 * (the primary's own for the same program), then the user's, then the archive flags, then the
 * class path and main class. Order matters: for repeated flags the JVM keeps the last one.
 *
 * <p>An explicit entry runs as the JVM runs it without Brigade, brigade-agent added:
 * {@code java FLAGS [ARCHIVE] -Xbootclasspath/a:brigade-agent.jar -javaagent:brigade-agent.jar=worker:jar -jar app.jar ARGS},
 * or {@code java FLAGS [ARCHIVE] -cp APP_CP -Xbootclasspath/a:… -javaagent:brigade-agent.jar=worker:main Main ARGS}
 * ({@code agentFlags} says why the boot class path): the
 * JVM honours the jar's manifest (Add-Opens, Add-Exports, Enable-Native-Access,
 * Launcher-Agent-Class, Class-Path), the class path holds the app's jars only, and the agent's
 * premain connects the worker to its primary before the app's main. Only without an agent jar
 * ({@code ClusterSettings.agentJar(null)}) does Brigade's old launcher run the app, with
 * brigade-cluster and its dependencies on the class path ({@link WorkerLauncher}).
 */
public final class CommandLine {
    /** Options that take the next argument as their value. */
    private static final Set<String> WITH_VALUE = Set.of("-cp", "-classpath", "--class-path", "-p", "--module-path",
            "--add-opens", "--add-exports", "--add-modules", "--add-reads", "--patch-module", "--limit-modules",
            "--upgrade-module-path", "--enable-native-access");

    /** The JVM flags and the entry (class path, main class, arguments), before archive flags. */
    public record Parts(List<String> jvmFlags, List<String> classPath, List<String> launch) {
    }

    private CommandLine() {
    }

    public static Parts parts(ClusterSettings s) {
        List<String> flags = new ArrayList<>(s.profile().flags(Archive.javaVersion(s.java())));
        if (s.exitOnOutOfMemory()) {
            flags.add("-XX:+ExitOnOutOfMemoryError");
        }
        List<String> cp = new ArrayList<>();
        List<String> launch = new ArrayList<>();
        switch (s.entry()) {
            case ProcessEntry.SameProgram p -> {
                ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                        .filter(CommandLine::inheritable).forEach(flags::add);
                List<String> argv = ProcessHandle.current().info().arguments().map(List::of).orElse(List.of());
                sameProgram(argv, cp, launch);
                if (!s.args().isEmpty()) {
                    launch.subList(launch.indexOf("--") + 1, launch.size()).clear();
                    launch.addAll(s.args());
                }
                launch.remove("--");
            }
            case ProcessEntry.MainClass m -> {
                List<String> app = m.classPath().stream().map(Path::toString).toList();
                if (s.agentJar() != null) {
                    cp.addAll(app);
                    launch.addAll(agentFlags(s.agentJar(), "main"));
                    launch.add(m.mainClass());
                } else {
                    cp.addAll(explicitClassPath(app));
                    launch.addAll(List.of(WorkerLauncher.class.getName(), "--main", m.mainClass()));
                }
                launch.addAll(s.args());
            }
            case ProcessEntry.Jar j -> {
                if (s.agentJar() != null) {
                    launch.addAll(agentFlags(s.agentJar(), "jar"));
                    launch.addAll(List.of("-jar", j.jar().toString()));
                } else {
                    cp.addAll(explicitClassPath(List.of(j.jar().toString())));
                    launch.addAll(List.of(WorkerLauncher.class.getName(), "--jar", j.jar().toString()));
                }
                launch.addAll(s.args());
            }
        }
        flags.addAll(s.jvmOptions());
        return new Parts(flags, List.copyOf(new LinkedHashSet<>(cp)), launch);
    }

    /**
     * brigade-agent as the worker side of an explicit entry ({@code mode}: "jar" or "main", see the agent's
     * {@code BrigadeAgent.WORKER}): the JVM itself runs the app, the agent connects it to the primary.
     */
    static List<String> agentFlags(Path agentJar, String mode) {
        return agentFlags(agentJar.toAbsolutePath() + "=worker:" + mode);
    }

    /**
     * {@code -javaagent:JAR[=OPTIONS]}, after {@code -Xbootclasspath/a:JAR}. The JVM appends a {@code -javaagent} jar to
     * the class path at run time, and a class-data archive (AOT cache, AppCDS) holds no class of an appended entry: every
     * worker would load, verify and link the agent's classes from its jar. On the boot class path from the JVM's start
     * they are archived like the app's; the system class loader finds them there first (parent first), so the agent, the
     * JDK methods it rewrites and brigade-cluster's worker runtime in the app all see the one {@code Hooks} class.
     */
    static List<String> agentFlags(String agentAndOptions) {
        int eq = agentAndOptions.indexOf('=');
        String jar = eq < 0 ? agentAndOptions : agentAndOptions.substring(0, eq);
        return List.of("-Xbootclasspath/a:" + jar, "-javaagent:" + agentAndOptions);
    }

    /** True if brigade-agent is the worker side of {@code parts}' app (the JVM runs the app, the agent links it). */
    static boolean agentRunsApp(Parts parts) {
        return parts.launch().stream().anyMatch(a -> a.startsWith("-javaagent:") && a.contains("=worker:"));
    }

    /** True if {@code parts} already load brigade-agent (an explicit entry's workers). */
    static boolean hasAgent(Parts parts) {
        return parts.launch().stream().anyMatch(a -> a.startsWith("-javaagent:"));
    }

    /** A worker's environment: the primary's, the profile's, the settings', then its id, instance and IPC. */
    static Map<String, String> env(ClusterSettings settings, Child child, Path ipc) {
        Map<String, String> env = new LinkedHashMap<>(System.getenv());
        env.keySet().removeAll(InheritedListeners.SYSTEMD_VARIABLES); // socket activation was the primary's, not theirs
        env.putAll(settings.profile().env());
        env.putAll(settings.env());
        env.put(WorkerRuntime.ENV_ID, Integer.toString(child.id()));
        env.put(WorkerRuntime.ENV_INSTANCE, Integer.toString(child.instance()));
        env.put(WorkerRuntime.ENV_IPC, ipc.toString());
        env.put(WorkerRuntime.ENV_TOKEN, child.token());
        env.remove(Standbys.ENV_STANDBY); // never inherited: it makes brigade-agent hold the worker until its primary says go
        if (child.standby) {
            env.put(Standbys.ENV_STANDBY, "1");
        }
        env.put(Leave.ENV_DRAIN, Long.toString(Leave.drainMillis(settings.killTimeout().toMillis())));
        return env;
    }

    /** The command line: {@code java}, then flags, archive flags, class path, launch. */
    public static List<String> argv(String java, Parts parts, List<String> archiveFlags) {
        List<String> argv = new ArrayList<>();
        argv.add(java);
        argv.addAll(parts.jvmFlags());
        argv.addAll(archiveFlags);
        if (!parts.classPath().isEmpty()) {
            argv.add("-cp");
            argv.add(String.join(File.pathSeparator, parts.classPath()));
        }
        argv.addAll(parts.launch());
        return argv;
    }

    /**
     * Splits the primary's own argv (without argv[0]) into class path and launch ({@code -jar X},
     * {@code -m M}, or the main class, then {@code --} and the program arguments).
     */
    static void sameProgram(List<String> argv, List<String> cp, List<String> launch) {
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            if (a.equals("-jar") || a.equals("-m") || a.equals("--module")) {
                launch.addAll(List.of(a, argv.get(i + 1), "--"));
                launch.addAll(argv.subList(i + 2, argv.size()));
                return;
            }
            if (WITH_VALUE.contains(a)) {
                if (a.equals("-cp") || a.equals("-classpath") || a.equals("--class-path")) {
                    cp.addAll(List.of(argv.get(i + 1).split(File.pathSeparator)));
                } else {
                    launch.addAll(List.of(a, argv.get(i + 1)));
                }
                i++;
            } else if (!a.startsWith("-")) {
                launch.addAll(List.of(a, "--"));
                launch.addAll(argv.subList(i + 1, argv.size()));
                return;
            }
        }
        throw new IllegalStateException("cannot find the main class or jar in this JVM's command line " + argv
                + "; use ClusterSettings.entry(ProcessEntry.mainClass(...))");
    }

    private static boolean inheritable(String flag) {
        return !(flag.startsWith("-agentlib:jdwp") || flag.startsWith("-XX:ArchiveClassesAtExit")
                || flag.startsWith("-XX:SharedArchiveFile") || flag.startsWith("-XX:AOTCache")
                || flag.startsWith("-XX:AOTMode") || flag.startsWith("-Djava.class.path"));
    }

    /**
     * The class path of an explicit entry: Brigade's cluster jar, then the app's, then Brigade's
     * dependencies where the app has none of its own (duplicates go when {@link #parts} makes it a
     * set): the app's own versions win, and the app's classes are found without opening these jars.
     */
    private static List<String> explicitClassPath(List<String> app) {
        List<String> brigade = brigadeClassPath();
        List<String> cp = new ArrayList<>(brigade.subList(0, 1));
        cp.addAll(app);
        cp.addAll(brigade);
        return cp;
    }

    /** Where Brigade's cluster classes (first) and their dependencies (JNA, Jackson) live. */
    public static List<String> brigadeClassPath() {
        Set<String> out = new LinkedHashSet<>();
        for (Class<?> c : new Class<?>[] {CommandLine.class, com.sun.jna.Native.class,
                com.fasterxml.jackson.databind.ObjectMapper.class, com.fasterxml.jackson.core.JsonFactory.class,
                com.fasterxml.jackson.annotation.JsonProperty.class}) {
            try {
                var src = c.getProtectionDomain().getCodeSource();
                if (src != null) {
                    out.add(Path.of(src.getLocation().toURI()).toString());
                }
            } catch (URISyntaxException | SecurityException e) {
                throw new IllegalStateException("cannot locate the jar of " + c.getName(), e);
            }
        }
        return List.copyOf(out);
    }
}
