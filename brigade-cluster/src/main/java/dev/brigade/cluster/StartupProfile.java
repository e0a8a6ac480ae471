package dev.brigade.cluster;

import java.util.ArrayList;
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
     *
     * <p>It also names the JDK's own NIO selector provider ({@code
     * -Djava.nio.channels.spi.SelectorProvider=sun.nio.ch.EPollSelectorProvider}, the one Linux uses
     * anyway): without it, the first NIO channel of the process (the worker's IPC socket, or the
     * server's) looks for a provider service in every jar of the class path, and the class loader
     * keeps every jar it opened, with its central directory, for the life of the process (1.5 MB
     * on the 31-jar class path of {@code brigade bench}; more on a large app's). An app that ships
     * its own provider names it with {@code jvmOptions("-Djava.nio.channels.spi.SelectorProvider=...")},
     * which comes later and wins.
     *
     * <p>On JDKs that have it (17.0.9+, 21.0.1+, 22+), also {@code -XX:TrimNativeHeapInterval=2000}:
     * every 2 s the JVM returns the C heap's free memory to the OS ({@code malloc_trim}, well under a
     * millisecond on a worker's small heap, on a background thread). What it returns is mostly the
     * compiler's scratch memory: one C1 compilation at start-up ({@code StackMapGenerator::processBlock},
     * which spins lambda classes) takes 6.6 MB, kept by glibc after the JVM frees it, about 5 s after
     * start. Measured on an idle worker: 31 MB PSS without, 24.5 MB with. Turn it off with
     * {@code jvmOptions("-XX:TrimNativeHeapInterval=0")}.
     */
    SMALL(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss256k", "-Xmx64m", "-XX:-UsePerfData",
            "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0",
            "-Djava.nio.channels.spi.SelectorProvider=sun.nio.ch.EPollSelectorProvider"), Map.of("MALLOC_ARENA_MAX", "2")),
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

    /**
     * Environment variables of this profile, set before {@link ClusterSettings.Builder#env} (which wins).
     *
     * @return the variables, by name
     */
    public Map<String, String> env() {
        return env;
    }

    /**
     * The JVM flags of this profile that every JDK accepts.
     *
     * @return the flags
     */
    public List<String> flags() {
        return flags;
    }

    /** Interval of {@code -XX:TrimNativeHeapInterval} in the SMALL profile, milliseconds. */
    static final int TRIM_NATIVE_HEAP_MILLIS = 2000;

    /**
     * The JVM flags of this profile for a worker JVM of version {@code jdk}: {@link #flags()}, then
     * those only some JDKs accept (an unknown flag stops the JVM, and the workers' JDK may not be the
     * primary's).
     *
     * @param jdk the workers' JDK version
     * @return the flags
     */
    public List<String> flags(Runtime.Version jdk) {
        if (this != SMALL) {
            return flags;
        }
        List<String> out = new ArrayList<>(flags);
        out.addAll(trimNativeHeap(jdk));
        return List.copyOf(out);
    }

    /**
     * {@code -XX:TrimNativeHeapInterval}: a product flag since JDK 23, experimental in 22 and in the
     * backports to 17.0.9 and 21.0.1 (later updates of those made it product; the unlock is harmless).
     */
    static List<String> trimNativeHeap(Runtime.Version jdk) {
        int feature = jdk.feature();
        int update = jdk.update();
        String flag = "-XX:TrimNativeHeapInterval=" + TRIM_NATIVE_HEAP_MILLIS;
        if (feature >= 23) {
            return List.of(flag);
        }
        if (feature == 22 || (feature == 21 && update >= 1) || (feature == 17 && update >= 9)) {
            return List.of("-XX:+UnlockExperimentalVMOptions", flag);
        }
        return List.of();
    }
}
