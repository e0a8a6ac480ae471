package dev.brigade.manager.daemon;

import dev.brigade.cluster.internal.Archive;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/*
 * Every Java app the daemon starts (a jar or a main class, fork or cluster mode) starts from a class-data archive
 * of its own once one exists (the cluster's Archive: an AOT cache on JDK 25+, AppCDS on 21-24), with nothing to
 * configure. A Spring Boot executable jar runs from its extracted layout (BootLayout), which can be archived.
 * Both live under the user's cache: $BRIGADE_CACHE, else $XDG_CACHE_HOME/brigade, else ~/.cache/brigade
 * (archives/ and layouts/), 0700, bounded by BRIGADE_ARCHIVE_CAP_MB each. BRIGADE_CLASS_DATA_ARCHIVE=false turns
 * archives off (layouts stay: they change nothing the app sees but its class path).
 *
 * In cluster mode the primary runs the Archive for its workers (ClusterRun points it at archives/); in fork mode
 * each app holds one ForkLaunch, which builds every instance's command line.
 */
/** Where archives and extracted layouts live, and the command line of a fork-mode Java app with its archive. */
final class Archives {
    private Archives() {
    }

    /** The user's cache for Brigade. */
    static Path root() {
        String own = System.getenv("BRIGADE_CACHE");
        if (own != null && !own.isBlank()) {
            return Path.of(own);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        return (xdg != null && xdg.startsWith("/") ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache")).resolve("brigade");
    }

    static Path archiveDir() {
        return root().resolve("archives");
    }

    static Path layoutDir() {
        return root().resolve("layouts");
    }

    /** False when {@code BRIGADE_CLASS_DATA_ARCHIVE} is {@code false} or {@code 0}. */
    static boolean enabled() {
        String v = System.getenv("BRIGADE_CLASS_DATA_ARCHIVE");
        return !("false".equals(v) || "0".equals(v));
    }

    /** The jar a Java app's workers run: the launcher of its extracted layout for a Spring Boot jar, else the jar. */
    static Path runnableJar(Path jar, java.util.function.Consumer<String> warn) {
        try {
            return BootLayout.prepare(jar, layoutDir());
        } catch (IOException | RuntimeException e) {
            warn.accept("[brigade] cannot extract the Spring Boot jar " + jar + " into " + layoutDir() + " (" + e.getMessage()
                    + "): it runs as it is, without a class-data archive for its nested jars");
            return jar;
        }
    }

    /** One start of a fork-mode instance: its argv and the archive flags in it. */
    record Launch(List<String> command, List<String> archiveFlags) {
    }

    /** The archive of one fork-mode app, kept across its instances and restarts. */
    static final class ForkLaunch {
        private Archive archive;  // guarded by this; null when the app has none
        private String archiveKey; // guarded by this: what the archive was made for

        /** The argv of the next instance of {@code spec}: its own command, or the Java entry with archive flags. */
        synchronized Launch next(AppSpec spec, java.util.function.Consumer<String> warn) {
            AppSpec.JavaEntry j = spec.java();
            if (j == null || spec.command().isEmpty() || !spec.command().get(0).equals(j.javaBin())) {
                return new Launch(spec.command(), List.of());
            }
            List<String> tail = new ArrayList<>();
            List<String> jars = new ArrayList<>();
            if (j.jar() != null) {
                Path run = runnableJar(Path.of(j.jar()), warn);
                tail.addAll(List.of("-jar", run.toString()));
                jars.add(run.toString());
            } else {
                String cp = WorkerSettings.expand(j.classpath());
                tail.addAll(List.of("-cp", cp, j.mainClass()));
                for (String e : cp.split(File.pathSeparator)) {
                    if (!e.isEmpty()) {
                        jars.add(e);
                    }
                }
            }
            tail.addAll(j.args());
            List<String> flags = List.of();
            if (enabled()) {
                String key = j.javaBin() + "|" + j.jvmArgs() + "|" + jars + "|" + j.mainClass();
                if (archive == null || !key.equals(archiveKey)) {
                    archive = Archive.forProcess(archiveDir(), Path.of(j.javaBin()), spec.name(), j.jvmArgs(), jars,
                            spec.name() + "|" + j.mainClass());
                    archiveKey = key;
                }
                flags = archive.nextFlags();
            } else {
                archive = null;
            }
            List<String> cmd = new ArrayList<>();
            cmd.add(j.javaBin());
            cmd.addAll(j.jvmArgs());
            cmd.addAll(flags);
            cmd.addAll(tail);
            return new Launch(cmd, flags);
        }

        synchronized void spawned(Launch l, long pid) {
            if (archive != null) {
                archive.spawned(l.archiveFlags(), pid);
            }
        }

        /** The process {@code pid} of {@code l} is about to be stopped: see {@link Archive#leaving(long)}. */
        java.util.concurrent.CompletableFuture<Void> leaving(Launch l, long pid) {
            Archive a;
            synchronized (this) {
                a = archive;
            }
            return a != null && a.isTraining(l.archiveFlags()) ? a.leaving(pid) : java.util.concurrent.CompletableFuture.completedFuture(null);
        }

        /** Whether the process of {@code l} records the archive (it writes it as it exits: give it time to). */
        synchronized boolean records(Launch l) {
            return l != null && archive != null && archive.isTraining(l.archiveFlags());
        }

        /** The process of {@code l} ended; {@code crashed} if nobody asked it to. */
        void exited(Launch l, boolean crashed) {
            Archive a;
            synchronized (this) {
                a = archive;
            }
            if (a != null && a.isTraining(l.archiveFlags())) {
                a.trainerExited(crashed);
            }
        }

        /** True for the JVM's own line about our recording: not the app's output. */
        boolean isNoise(Launch l, String line) {
            Archive a;
            synchronized (this) {
                a = archive;
            }
            return a != null && !l.archiveFlags().isEmpty() && a.isNoise(line);
        }

        synchronized String describe(AppSpec spec) {
            if (spec.java() == null) {
                return "none (not a jar or main class)";
            }
            if (!enabled()) {
                return "off (BRIGADE_CLASS_DATA_ARCHIVE=false)";
            }
            return archive == null ? "none yet: the next instance records one" : archive.describe();
        }
    }
}
