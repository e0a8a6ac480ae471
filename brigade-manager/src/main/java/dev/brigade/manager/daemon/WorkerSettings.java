package dev.brigade.manager.daemon;

import dev.brigade.cluster.ClusterSettings;
import dev.brigade.cluster.OutputLine;
import dev.brigade.cluster.ProcessEntry;
import dev.brigade.cluster.RestartPolicy;
import dev.brigade.cluster.StartupProfile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/** A cluster-mode app's {@link AppSpec} as the {@link ClusterSettings} of its workers. */
final class WorkerSettings {
    private WorkerSettings() {
    }

    /**
     * The settings of {@code spec}'s cluster: {@code runnable} gives the jar the workers run for the app's jar (a Spring
     * Boot jar's extracted launcher), {@code output} takes their lines.
     */
    static ClusterSettings of(AppSpec spec, Function<String, Path> runnable, Consumer<OutputLine> output) {
        AppSpec.JavaEntry j = spec.java();
        ProcessEntry entry = j.jar() != null ? ProcessEntry.jar(runnable.apply(j.jar())) : ProcessEntry.mainClass(j.mainClass(), expand(j.classpath()));
        Duration delay = Duration.ofMillis(spec.restartDelayMs());
        RestartPolicy policy = RestartPolicy.defaults()
                .withBackoff(delay, delay.compareTo(Duration.ofSeconds(10)) > 0 ? delay : Duration.ofSeconds(10))
                .withCrashLoop(spec.maxRestarts(), Duration.ofMinutes(1))
                .withRestartCleanExits(true); // PM2's rule, as in fork mode: any exit the user did not ask for is restarted
        ClusterSettings.Builder b = ClusterSettings.builder()
                // An app started here runs as `java -jar app.jar` would: the JVM's own defaults (heap, GC, full
                // JIT), plus the app's --jvm-args. The library's SMALL profile (64 MiB heap, C1 only) suits
                // small workers, not a Spring Boot service; and a GC flag of the user's would clash with a preset one.
                .profile(StartupProfile.JVM_DEFAULTS)
                .entry(entry)
                .args(j.args().toArray(String[]::new))
                .jvmOptions(jvmOptions(spec))
                .java(Path.of(j.javaBin()))
                .instances(spec.instances())
                .listen(spec.host() == null ? "*" : spec.host(), spec.port())
                .restart(policy)
                .memoryLimitBytes(spec.maxMemoryBytes())
                .killTimeout(Duration.ofMillis(spec.killTimeoutMs()))
                .listenTimeout(Duration.ofMillis(spec.listenTimeoutMs()))
                .shutdownHook(false)
                .output(output);
        b.archiveDir(Archives.archiveDir());
        b.standby(spec.standby() && standby());
        if (!Archives.enabled()) {
            b.classDataArchive(false);
        }
        spec.env().forEach(b::env);
        b.env("BRIGADE_APP", spec.name());
        return b.build();
    }

    /**
     * Whether cluster-mode apps keep a standby worker ({@code ClusterSettings.standby}): yes, unless the daemon runs with
     * {@code BRIGADE_STANDBY_WORKER=false} (or 0).
     */
    static boolean standby() {
        String v = System.getenv("BRIGADE_STANDBY_WORKER");
        return !("false".equals(v) || "0".equals(v));
    }

    /**
     * The app's JVM flags, and its directory as {@code user.dir} (unless the flags set it): workers are
     * spawned in the daemon's directory, and the JDK resolves relative paths (java.io and java.nio alike)
     * against {@code user.dir} when it differs from the process's directory. Native code sees the daemon's.
     */
    static String[] jvmOptions(AppSpec spec) {
        List<String> flags = new ArrayList<>(spec.java().jvmArgs());
        if (flags.stream().noneMatch(f -> f.startsWith("-Duser.dir="))) {
            flags.add(0, "-Duser.dir=" + spec.cwd());
        }
        return flags.toArray(String[]::new);
    }

    /** A class path with {@code dir/*} entries replaced by the jars of {@code dir}, as {@code java -cp} does (workers get no -cp). */
    static String expand(String classpath) {
        List<String> out = new ArrayList<>();
        for (String entry : classpath.split(java.io.File.pathSeparator)) {
            if (!entry.endsWith("*")) {
                out.add(entry);
                continue;
            }
            Path dir = Path.of(entry.substring(0, entry.length() - 1));
            try (var jars = java.nio.file.Files.list(dir)) {
                jars.map(Path::toString).filter(n -> n.endsWith(".jar") || n.endsWith(".JAR")).sorted().forEach(out::add);
            } catch (java.io.IOException e) {
                // the directory went away: java -cp skips it too
            }
        }
        return String.join(java.io.File.pathSeparator, out);
    }
}
