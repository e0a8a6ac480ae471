package dev.brigade.cluster.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The recording side of an {@link Archive}: the one process that records, asking it to write its configuration
 * ({@code jcmd AOT.end_recording}) after {@code recordSeconds}, its exit, the assembly of the AOT cache in the
 * background ({@link AotAssembler}) and its publication under the archive's name; recordings cut off are counted
 * per version. Its own lock guards its state; it never takes the Archive's (the Archive calls in holding its own).
 */
final class ArchiveRecording {
    private static final System.Logger LOG = System.getLogger("dev.brigade.cluster");
    private final Archive archive;
    private final AtomicInteger serial;
    private volatile long recordSeconds;
    private Recording recording;      // guarded by this; null when nothing records
    private boolean assembling;       // guarded by this
    private final Map<String, Integer> cutoffs = new HashMap<>(); // guarded by this; name -> recordings that wrote nothing
    private String lastNote;          // guarded by this; the last thing worth telling (a rejection, a cut-off)

    /** One recording process; its flags guarded by the ArchiveRecording. */
    private static final class Recording {
        final String name;
        final Path target;
        long pid;
        Consumer<Boolean> pausing = busy -> { };
        boolean exited;   // its process ended
        boolean asking;   // jcmd AOT.end_recording runs
        boolean leaving;  // asked to stop: its exit writes the configuration, jcmd must not (the JVM crashed doing both)
        final CompletableFuture<Void> asked = new CompletableFuture<>(); // jcmd is over, or will never run
        boolean done;     // what it wrote is being published (or it wrote nothing): nothing more to do

        Recording(String name, Path target) {
            this.name = name;
            this.target = target;
        }
    }

    ArchiveRecording(Archive archive, AtomicInteger serial, long recordSeconds) {
        this.archive = archive;
        this.serial = serial;
        this.recordSeconds = recordSeconds;
    }

    void recordSeconds(long seconds) {
        this.recordSeconds = seconds;
    }

    /** Whether the archive {@code name} may be recorded now: nothing records or assembles, and it was not given up. */
    synchronized boolean mayRecord(String name) {
        return recording == null && !assembling && cutoffs.getOrDefault(name, 0) < Archive.MAX_CUTOFFS;
    }

    /** The next process records {@code name} into {@code target}. */
    synchronized void begin(String name, Path target) {
        recording = new Recording(name, target);
    }

    /** See {@link Archive#spawned(List, long, Consumer, boolean)}. */
    void spawned(long pid, Consumer<Boolean> pausing, boolean held) {
        Recording r;
        synchronized (this) {
            r = recording;
            if (r == null) {
                return;
            }
            r.pid = pid;
            r.pausing = pausing;
        }
        if (!held) {
            clock(r);
        }
    }

    /** See {@link Archive#went}. */
    void went(long pid) {
        Recording r;
        synchronized (this) {
            r = recording;
            if (r == null || r.pid != pid) {
                return;
            }
        }
        clock(r);
    }

    /** On JDK 25, asks the recording process to write its configuration once it served {@code recordSeconds}, if set. */
    private void clock(Recording r) {
        if (archive.aot() && recordSeconds > 0) {
            CompletableFuture.runAsync(() -> endRecording(r), CompletableFuture.delayedExecutor(recordSeconds, TimeUnit.SECONDS,
                    ArchiveRecording::background));
        }
    }

    /**
     * See {@link Archive#abandoned}. Its file is deleted now; if the process still runs, it writes it again as it
     * exits, and the next archive installed deletes it with the other leftovers of the app's earlier versions.
     */
    void abandoned(long pid) {
        Recording r;
        synchronized (this) {
            r = recording;
            if (r == null || r.pid != pid || pid <= 0 || r.done) {
                return;
            }
            r.done = true;
            recording = null;
        }
        r.asked.complete(null);
        deleteQuietly(r.target);
    }

    /*
     * The process's exit and jcmd's answer race: whichever comes second publishes. jcmd failing on a live process
     * leaves it to the exit (the configuration is written as the process exits); the exit arriving while jcmd runs
     * leaves it to jcmd's end (the configuration is there, or never will be).
     */
    private void endRecording(Recording r) {
        boolean ask;
        synchronized (this) {
            ask = recording == r && !r.done && !r.exited && !r.leaving;
            r.asking = ask;
        }
        if (!ask) {
            r.asked.complete(null); // outside the lock: what waits for it stops the process, under locks of its own
            return;
        }
        String[] why = new String[1];
        r.pausing.accept(true);
        boolean ok;
        try {
            ok = AotAssembler.endRecording(archive.java(), r.pid, archive.temp(r.name, "-jcmd.log"), why);
        } finally {
            r.pausing.accept(false);
        }
        boolean publishNow;
        synchronized (this) {
            r.asking = false;
            publishNow = ok || r.exited;
            if (publishNow) {
                r.done = true;
            }
        }
        r.asked.complete(null);
        if (!publishNow) {
            LOG.log(Level.DEBUG, "cannot end the AOT recording of pid " + r.pid + " early: " + why[0]);
            return; // its exit writes the configuration, then
        }
        publish(r);
    }

    /**
     * The process {@code pid} is about to be asked to stop: it must not be asked to write its configuration from now on
     * (a JDK 25 JVM writing it as it exits and for jcmd at once crashed, SIGSEGV in FileMapInfo::write_region). The
     * future completes when it may be stopped: at once, or when a jcmd already running is over.
     */
    CompletableFuture<Void> leaving(long pid) {
        synchronized (this) {
            Recording r = recording;
            if (r == null || r.pid != pid || pid <= 0) {
                return CompletableFuture.completedFuture(null);
            }
            r.leaving = true;
            if (!r.asking) {
                return CompletableFuture.completedFuture(null);
            }
            return r.asked;
        }
    }

    /** See {@link Archive#dropIfReplaced}: {@code current} is the archive's name for the jars as they are now. */
    boolean dropIfReplaced(long pid, String current) {
        Recording r;
        synchronized (this) {
            r = recording;
            if (r == null || r.pid != pid || pid <= 0 || r.done || r.asking || r.name.equals(current)) {
                return false;
            }
            r.done = true;
            recording = null;
        }
        r.asked.complete(null);
        deleteQuietly(r.target);
        LOG.log(Level.INFO, "the process (pid " + pid + ") recording the class-data archive of " + archive.label() + " leaves after a"
                + " new version was copied in: it is stopped once its app's shutdown hooks ran, before its JVM writes the"
                + " recording; the new version is recorded by a later process");
        return true;
    }

    /** See {@link Archive#trainerExited(long, boolean)}; {@code pid} 0: the recording process, whichever it is. */
    void exited(long pid, boolean crashed) {
        Recording r;
        synchronized (this) {
            r = recording;
            if (r == null || r.exited || (pid > 0 && r.pid > 0 && r.pid != pid)) {
                return;
            }
            r.exited = true;
            if (crashed && !r.done) {
                r.done = true;
                recording = null;
                cutoffs.merge(r.name, Archive.MAX_CUTOFFS, Integer::sum);
                note("the process (pid " + r.pid + ") recording the class-data archive of " + archive.label() + " ended without being"
                        + " asked to; its recording is dropped and this version is not recorded again (in case recording made it fail)");
                deleteQuietly(r.target);
                return;
            }
            if (r.done || r.asking) {
                return; // published, or jcmd's end publishes
            }
            r.done = true;
        }
        publish(r);
    }

    /** Turns what {@code r} wrote into the archive: at once for AppCDS, in the background for an AOT cache. */
    private void publish(Recording r) {
        long size;
        try {
            size = Files.isRegularFile(r.target) ? Files.size(r.target) : 0;
        } catch (IOException e) {
            size = 0;
        }
        if (size == 0) {
            synchronized (this) {
                recording = null;
                int n = cutoffs.merge(r.name, 1, Integer::sum);
                note("the process (pid " + r.pid + ") recording the class-data archive of " + archive.label() + " ended without writing it"
                        + " (killed after the kill timeout, or crashed); " + (n >= Archive.MAX_CUTOFFS
                        ? "not recorded again until its jars change (" + n + " recordings cut off)" : "the next process records again"));
            }
            deleteQuietly(r.target);
            return;
        }
        if (!archive.aot()) {
            install(r, r.target);
            return;
        }
        synchronized (this) {
            assembling = true;
        }
        background(() -> {
            Path cache = archive.temp(r.name, "-c" + serial.incrementAndGet());
            String[] why = new String[1];
            boolean ok = AotAssembler.create(archive.java(), archive.createFlags(), archive.classPath(), r.target, cache,
                    archive.temp(r.name, "-create.log"), why);
            deleteQuietly(r.target);
            if (ok) {
                install(r, cache);
            } else {
                deleteQuietly(cache);
                synchronized (this) {
                    if (recording == r) {
                        recording = null;
                    }
                    int n = cutoffs.merge(r.name, 1, Integer::sum); // a recording cut short (the JVM crashed) is tried once more
                    note("cannot assemble the AOT cache of " + archive.label() + ": " + why[0] + (n >= Archive.MAX_CUTOFFS
                            ? "; not recorded again until its jars change" : "; the next process records again"));
                }
            }
            synchronized (this) {
                assembling = false;
            }
        });
    }

    /** Runs {@code task} on a thread of its own: it waits for JVMs of ours, never on a shared pool's thread. */
    static void background(Runnable task) {
        Thread.ofVirtual().name("brigade-archive").start(() -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                LOG.log(Level.WARNING, "class-data archive task failed", e); // never silently
            }
        });
    }

    private void install(Recording r, Path written) {
        Path dir = archive.dir();
        Path file = dir.resolve(r.name);
        boolean installed = false;
        try {
            ArchiveFiles.ownOnly(written);
            Files.move(written, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            installed = true;
            ArchiveFiles.deleteOthers(dir, archive.prefix() + "-", file); // the previous version's, now replaced
            for (Path gone : ArchiveFiles.evict(dir, List.of(".aot", ".jsa"), ArchiveFiles.capBytes(), file)) {
                LOG.log(Level.INFO, "evicted class-data archive " + gone + " (archives over " + (ArchiveFiles.capBytes() >> 20)
                        + " MB, BRIGADE_ARCHIVE_CAP_MB)");
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot publish class-data archive " + file + ": " + e.getMessage());
        } finally {
            deleteQuietly(written);
            synchronized (this) {
                if (recording == r) {
                    recording = null;
                }
            }
        }
        if (installed) {
            archive.installed(); // under no lock of ours: a standby may start now (Standbys)
        }
    }

    /** Remembers {@code text} for {@code describe} and logs it as a warning. */
    synchronized void note(String text) {
        lastNote = text;
        LOG.log(Level.WARNING, text);
    }

    /** What {@code describe} says when the archive {@code name} does not exist yet; {@code kind}: "AOT cache", .... */
    synchronized String describeMissing(String name, String kind, boolean inStandby) {
        if (recording != null || assembling) {
            return "recording the " + kind + (recording != null && recording.pid > 0 ? " in pid " + recording.pid : "")
                    + (assembling ? " (assembling)" : "") + (lastNote != null ? " (last: " + lastNote + ")" : "");
        }
        if (cutoffs.getOrDefault(name, 0) >= Archive.MAX_CUTOFFS) {
            return "none: " + lastNote;
        }
        return "none yet: the next " + (inStandby ? "standby worker" : "process") + " records the " + kind
                + (lastNote != null ? " (last: " + lastNote + ")" : "");
    }

    static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a temporary file: swept when the directory is next checked
        }
    }
}
