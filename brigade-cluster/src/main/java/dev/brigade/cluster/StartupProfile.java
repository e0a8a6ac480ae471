package dev.brigade.cluster;

import java.util.List;
import java.util.Map;

/**
 * A named set of JVM flags for worker JVMs, chosen for how workers should start. The flags are
 * never hidden: {@link Cluster#describe()} prints the full command line. Flags given in
 * {@link ClusterSettings.Builder#jvmOptions} come later on the command line and so win.
 * {@code -XX:+ExitOnOutOfMemoryError} is added to every profile unless turned off.
 */
public enum StartupProfile {
    /**
     * Small, fast-starting workers: Serial GC, C1 only, 256 KiB thread stacks, a 64 MiB heap cap,
     * no perf-data file, class-data archives mapped where they were dumped
     * ({@code -XX:ArchiveRelocationMode=0}, a diagnostic flag, hence the unlock: the archive's
     * read-only pages then stay shared between workers instead of being relocated into private
     * copies, ~3.5 MB of PSS per worker), and at most two glibc malloc arenas
     * ({@code MALLOC_ARENA_MAX=2}: a JVM's threads otherwise each grow an arena, several MB an
     * idle worker keeps). Raise the heap with {@code jvmOptions("-Xmx512m")} for real servers.
     */
    SMALL(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss256k", "-Xmx64m", "-XX:-UsePerfData",
            "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0"), Map.of("MALLOC_ARENA_MAX", "2")),
    /** Serial GC and no perf-data file, JIT and heap left to the JVM's ergonomics: for CPU-heavy workers. */
    SERVER(List.of("-XX:+UseSerialGC", "-XX:-UsePerfData"), Map.of()),
    /** No flags at all: the JVM's defaults. */
    JVM_DEFAULTS(List.of(), Map.of());

    private final List<String> flags;
    private final Map<String, String> env;

    StartupProfile(List<String> flags, Map<String, String> env) {
        this.flags = flags;
        this.env = env;
    }

    /** Environment variables of this profile, set before {@link ClusterSettings.Builder#env} (which wins). */
    public Map<String, String> env() {
        return env;
    }

    /** The JVM flags of this profile. */
    public List<String> flags() {
        return flags;
    }
}
