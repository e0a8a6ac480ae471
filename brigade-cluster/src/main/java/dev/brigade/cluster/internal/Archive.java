package dev.brigade.cluster.internal;

import java.io.File;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The per-app class-data archive that makes an app's JVMs start faster: the AOT cache on JDK 25+, a dynamic AppCDS
 * archive on JDK 21-24. Used by the cluster's primary for its workers and by the manager for fork-mode instances.
 *
 * <p><b>Recording happens in a real process of the app</b>, never in an extra run of it: the first process started
 * without an archive records. On JDK 25 it runs with {@code -XX:AOTMode=record -XX:AOTConfiguration=TMP} and writes
 * the configuration as it exits (on SIGTERM or System.exit, after the app's shutdown hooks: a leaving cluster worker
 * has drained and its app stopped serving; not on SIGKILL), and it is given {@link #EXIT_WRITE_MILLIS} more than the
 * kill timeout for it. Writing stops the whole process for a second or more, which is why a serving process is never
 * asked to: {@code BRIGADE_ARCHIVE_RECORD_SECONDS=N} asks it anyway after N s ({@code jcmd PID AOT.end_recording};
 * its heartbeats missed meanwhile are forgiven, {@link #spawned}), for an app that is never restarted and can take
 * the pause. Then Brigade assembles the cache itself, in the background,
 * with {@code java -XX:AOTMode=create} ({@link AotAssembler}) and renames it into place. Nothing of it
 * is printed into the app's log: the JVM's own "AOTConfiguration recorded"
 * line is dropped by the caller ({@link #isNoise}), the cache and CDS logs of the app's JVM go to a file of ours.
 * On JDK 21-24 the recording process writes the archive as it exits ({@code -XX:ArchiveClassesAtExit}).
 *
 * <p><b>Keyed by content</b>: the file name holds a hash of the JDK (path and version), the JVM flags and the
 * bytes of every jar, re-read whenever a jar's size or time changes. A new app version records anew; the old
 * version's archive stays until the new one exists, then goes. A recording process that ends without writing
 * (killed after the kill timeout, crashed) is counted and warned about once; after {@value #MAX_CUTOFFS} such ends
 * the app is not recorded again until its jars change.
 *
 * <p><b>Rejected archives</b>: the JVM checks an archive against its jars, flags and own build, and starts without
 * it when they differ or the file is corrupt. Its verdict is read from the cds/aot log of the process
 * ({@code -Xlog:aot,cds:file=...}); a rejected archive is deleted with one warning, and the next process records.
 *
 * <p>Archives need jars: a class path with directories gets none. Every archive directory is private (0700,
 * files 0600) and bounded ({@link ArchiveFiles#capBytes}, least recently used evicted).
 */
public final class Archive {
    static final int MAX_CUTOFFS = 2;
    /**
     * How long a recording process serves before it is asked to write its configuration; 0 (the default): as it exits.
     * Writing stops every thread of the process for a second or more (14 s for a Spring Boot app at load 10): a
     * serving process asked to write held its keep-alive clients' requests that long, so by default it writes only
     * as it leaves, after its app stopped serving.
     */
    static final long DEFAULT_RECORD_SECONDS = 0;
    /**
     * How much longer than the kill timeout a recording process may take to exit: writing its configuration as it
     * exits takes 1-2 s on an idle machine (up to 14 s measured at load 10), and a recording cut off is lost.
     */
    public static final long EXIT_WRITE_MILLIS = 30_000;
    private static final System.Logger LOG = System.getLogger("dev.brigade.cluster");
    private final boolean enabled;
    private static final String BOOT_APPEND = "-Xbootclasspath/a:";
    private final String off;
    private final boolean aot;
    private final Path dir;
    private final Path java;
    private final String app;
    private final List<String> flags;
    private final List<String> jars;
    private List<String> keyJars;     // guarded by this: the jars the archive holds classes of (the app's, the agent's)
    private final String classPath;
    private final String prefix;
    private final String version;
    private final AtomicInteger serial = new AtomicInteger();
    private final ArchiveRecording recorder;
    private volatile List<String> createFlags;
    private String name;              // guarded by this: the current archive's file name
    private String stamp = "";        // guarded by this: size:mtime of every jar, when name was computed
    private String dirProblem;        // guarded by this; null until checked, "" when fine
    private final ArchiveUses uses = new ArchiveUses();            // guarded by this
    private volatile Runnable installed;
    private volatile boolean recordInStandby;
    private final BaseArchive base;   // the JDK's and the agent's classes, for a process that maps no archive of the app

    /** The archive of a cluster's workers (their flags, class path and launch). */
    public Archive(boolean wanted, Path dir, Path java, CommandLine.Parts parts) {
        // the class path the assembly is given: a -jar launch's is its jar (the JVM refuses a create step whose class
        // path differs from the recording's; e.g. a Spring Boot layout's launcher, or any -jar app with a Class-Path)
        this(wanted, dir, java, "", parts.jvmFlags(), jarsOf(parts), String.join(File.pathSeparator, jarsOf(parts)),
                String.join(" ", parts.launch()), !parts.launch().contains("-m"));
    }

    /**
     * The archive of a plain {@code java} process: {@code jars} are its class path (or its {@code -jar}), {@code entry}
     * tells apps with the same jars apart (the main class, the app's name).
     */
    public static Archive forProcess(Path dir, Path java, String app, List<String> jvmFlags, List<String> jars, String entry) {
        return new Archive(true, dir, java, app, jvmFlags, jars, String.join(File.pathSeparator, jars), entry, true);
    }

    private Archive(boolean wanted, Path dir, Path java, String app, List<String> jvmFlags, List<String> jars, String classPath,
                    String entry, boolean classPathLaunch) {
        this.dir = dir;
        this.java = java;
        this.app = app;
        this.flags = List.copyOf(jvmFlags);
        this.createFlags = this.flags;
        this.jars = List.copyOf(jars);
        this.keyJars = this.jars;
        this.classPath = classPath;
        Runtime.Version v = javaVersion(java);
        this.version = v.toString();
        this.aot = v.feature() >= 25;
        String reason = ArchiveFiles.offReason(wanted, v.feature(), jars, jvmFlags, classPathLaunch);
        this.enabled = reason == null;
        this.off = reason;
        this.prefix = ArchiveFiles.hash(java + "|" + String.join("|", jars) + "|" + entry).substring(0, 12);
        String s = System.getenv("BRIGADE_ARCHIVE_RECORD_SECONDS");
        long seconds = DEFAULT_RECORD_SECONDS;
        try {
            seconds = s == null || s.isBlank() ? DEFAULT_RECORD_SECONDS : Math.max(0, Long.parseLong(s.trim()));
        } catch (NumberFormatException e) {
            // the default
        }
        this.recorder = new ArchiveRecording(this, serial, seconds);
        this.base = new BaseArchive(dir, java, version);
        base.flags(this.flags);
    }

    private static List<String> jarsOf(CommandLine.Parts parts) {
        List<String> jars = new ArrayList<>(parts.classPath());
        int jarFlag = parts.launch().indexOf("-jar");
        if (jarFlag >= 0) {
            jars.add(parts.launch().get(jarFlag + 1));
        }
        return jars;
    }

    /** How long a recording process serves before it is asked to write its configuration (JDK 25+). */
    void recordSeconds(long seconds) {
        recorder.recordSeconds(seconds);
    }

    /**
     * Extra flags every process gets besides the JVM flags (the agent's {@code -Xbootclasspath/a} and {@code -javaagent}):
     * the assembly needs them too, and a jar they add to the boot class path keys the archive as the app's jars do (the
     * JVM refuses an archive whose boot class path jars changed, e.g. after an upgrade of Brigade).
     */
    public synchronized void alsoFlags(List<String> extra) {
        List<String> all = new ArrayList<>(flags);
        all.addAll(extra);
        this.createFlags = List.copyOf(all);
        base.flags(all);
        List<String> keyed = new ArrayList<>(jars);
        extra.stream().filter(f -> f.startsWith(BOOT_APPEND)).map(f -> f.substring(BOOT_APPEND.length())).forEach(keyed::add);
        this.keyJars = List.copyOf(keyed);
        this.name = null;
    }

    /**
     * Where the workers' agent keeps the JDK classes it rewrites (brigade-agent's {@code BRIGADE_AGENT_REWRITES}): one
     * file per JDK and agent jar, in this private directory; null when archives are off here.
     */
    public synchronized Path agentRewrites(Path agentJar) {
        if (!enabled || !dirFine()) {
            return null;
        }
        String key = ArchiveFiles.hash(java + "|" + version + "|" + ArchiveFiles.stamp(List.of(agentJar.toAbsolutePath().toString())));
        return dir.resolve("agent-" + key.substring(0, 16) + ".rewrites");
    }

    /** Flags for the next process: use the archive, record it, or nothing while another process records. */
    public synchronized List<String> nextFlags() {
        return flagsFor(false, true);
    }

    /**
     * The flags of a process, a standby ({@link Standbys}) or not: those that use the archive; else those that record
     * it, if such processes record it ({@link #recordInStandby}) and nothing records or assembles it now and it was not
     * given up and {@code mayRecord}; else those of the base archive ({@link BaseArchive}), if it exists (and none when
     * archives are off here).
     */
    private List<String> flagsFor(boolean standby, boolean mayRecord) {
        if (!enabled || !dirFine()) {
            return List.of();
        }
        pollUses();
        String n = currentName();
        Path file = dir.resolve(n);
        if (Files.isRegularFile(file)) {
            return useFlags(file);
        }
        if (mayRecord && recordInStandby == standby && recorder.mayRecord(n)) {
            return recordFlags(n);
        }
        return aot ? baseFlags(n, standby) : List.of();
    }

    /**
     * The base archive's flags; while it does not exist, a process that is not a standby (whose app runs at once) lists
     * the classes it loads for it (a recording JVM cannot: the JDK refuses the two at once), and the list is made into
     * the base archive once the app's own archive is installed ({@link #installed}).
     */
    private List<String> baseFlags(String n, boolean standby) {
        Path b = base.existing();
        if (b != null) {
            return useFlags("-XX:SharedArchiveFile=", b);
        }
        return standby ? List.of() : base.listFlags(temp(n, "-l" + serial.incrementAndGet() + ".classlist"));
    }

    private List<String> recordFlags(String n) {
        Path target = temp(n, "-r" + serial.incrementAndGet() + (aot ? ".aotconf" : ".jsa"));
        recorder.begin(n, target);
        List<String> rec = new ArrayList<>(aot ? List.of("-XX:AOTMode=record", "-XX:AOTConfiguration=" + target)
                : List.of("-XX:ArchiveClassesAtExit=" + target));
        rec.addAll(quiet());
        return rec;
    }

    /**
     * With a standby worker ({@link Standbys}), the archive of a version is recorded by a standby, not by the first
     * process of the version: a recording JVM maps no class-data archive at all, which made the first start of every
     * version 1.3-1.8 times as long as {@code java -jar}; a standby records while it waits, and writes as it exits.
     */
    void recordInStandby(boolean on) {
        recordInStandby = on;
    }

    private List<String> useFlags(Path file) {
        return useFlags(aot ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=", file);
    }

    /** The flags that map {@code file} with {@code option}, the JVM's messages kept out of the app's output, its verdict read later. */
    private List<String> useFlags(String option, Path file) {
        ArchiveFiles.touch(file);
        List<String> use = new ArrayList<>(List.of(option + file));
        use.addAll(quiet());
        List<String> verdict = uses.flagFor(file, serial.incrementAndGet());
        use.addAll(verdict);
        if (!verdict.isEmpty()) {
            CompletableFuture.runAsync(this::pollLater, CompletableFuture.delayedExecutor(5, TimeUnit.SECONDS, ArchiveRecording::background));
        }
        return use;
    }

    /**
     * Flags for a standby process ({@link Standbys}): see {@link #flagsFor}. {@code mayRecord} false: it does not record
     * (a standby of a version no worker runs yet: its first start is an ordinary one).
     */
    public synchronized List<String> standbyFlags(boolean mayRecord) {
        return flagsFor(true, mayRecord);
    }

    /**
     * What a process started now depends on before its main runs: the size and time of every jar ({@link #jarStamp})
     * and the archive it maps (none if it does not exist, or was refused and deleted). A standby whose key differs now
     * must not run.
     */
    public synchronized String standbyKey() {
        String st = ArchiveFiles.stamp(keyJars);
        if (!enabled || !dirFine()) {
            return st + "#-";
        }
        pollUses();
        Path file = dir.resolve(currentName());
        return st + "#" + (Files.isRegularFile(file) ? file.toString() : "-");
    }

    /**
     * The size and time of every jar of the app now ("?" for one missing), class directories left out: what a new
     * version of the app changes. A directory's time changes with every file added to it, which a standby, held
     * before the app reads its class path, need not follow.
     */
    public synchronized String jarStamp() {
        return ArchiveFiles.stamp(keyJars.stream().filter(j -> !Files.isDirectory(Path.of(j))).toList());
    }

    /**
     * True if every jar file can be opened as a zip now: one still being copied (its central directory, at the end,
     * not written yet) cannot, and a JVM started from it would fail.
     */
    public boolean jarsReadable() {
        List<String> js;
        synchronized (this) {
            js = keyJars;
        }
        return ArchiveFiles.readable(js);
    }

    /** Runs {@code r} (on a background thread, under no lock) each time a new archive was installed. */
    void onInstalled(Runnable r) {
        installed = r;
    }

    void installed() {
        base.buildListed();
        Runnable r = installed;
        if (r != null) {
            r.run();
        }
    }

    /** The JVM's own archive messages stay out of the app's output (the default -Xlog output is stdout). */
    private List<String> quiet() {
        return aot ? List.of("-Xlog:aot=off", "-Xlog:cds=off") : List.of("-Xlog:cds=off");
    }

    /** True if these flags make a recording run. */
    public boolean isTraining(List<String> flags) {
        return flags.stream().anyMatch(f -> f.startsWith("-XX:AOTMode=record") || f.startsWith("-XX:ArchiveClassesAtExit"));
    }

    /** A line of a process's output that the JVM printed about our recording ("AOTConfiguration recorded: ..."): not the app's. */
    public boolean isNoise(String line) {
        return line.length() < 4096 && line.contains("AOTConfiguration recorded: " + dir);
    }

    /** The recording process started as {@code pid}: on JDK 25 it is asked to write its configuration after a while. */
    public void spawned(List<String> flags, long pid) {
        spawned(flags, pid, busy -> { });
    }

    /**
     * The same; {@code pausing} is told {@code true} before the process is paused to write its configuration and
     * {@code false} after (a primary forgives the heartbeats it misses meanwhile).
     */
    public void spawned(List<String> flags, long pid, java.util.function.Consumer<Boolean> pausing) {
        spawned(flags, pid, pausing, false);
    }

    /**
     * The same; {@code held}: a standby, whose app runs only once it goes ({@link #went}): the time it serves before
     * it is asked to write counts from then.
     */
    void spawned(List<String> flags, long pid, java.util.function.Consumer<Boolean> pausing, boolean held) {
        if (isTraining(flags)) {
            recorder.spawned(pid, pausing, held);
        }
    }

    /** The recording standby {@code pid} took a slot: its app runs now. */
    void went(long pid) {
        recorder.went(pid);
    }

    /**
     * The recording standby {@code pid} is not used (stopped, dropped, dead before it took a slot): what it records is
     * no run of the app, never published; its version is recorded by another process, as if it had never begun.
     */
    void abandoned(long pid) {
        recorder.abandoned(pid);
    }

    /**
     * The process {@code pid} is about to be asked to stop (disconnected, signalled): if it records, it is not asked to
     * write its configuration any more (it writes it as it exits). Stop it once the future completes: at once, or when a
     * request to write that is already running is over.
     */
    public CompletableFuture<Void> leaving(long pid) {
        return recorder.leaving(pid);
    }

    /**
     * The process {@code pid} is about to be asked to stop: if it records a version of the app whose jars changed since
     * (a new version was copied in), its recording is dropped now, true; the caller stops it once its app's shutdown
     * hooks ran, before its JVM writes it. The new version is recorded by a later process, as if this one never began.
     */
    public boolean dropIfReplaced(long pid) {
        String now;
        synchronized (this) {
            if (!enabled) {
                return false;
            }
            now = currentName();
        }
        return recorder.dropIfReplaced(pid, now);
    }

    /** Called when the recording process exited: publish what it wrote, or count a recording cut off. */
    public void trainerExited() {
        trainerExited(false);
    }

    /**
     * Called when the recording process exited; {@code crashed} if nobody asked it to (a crash, a failed start): then
     * nothing it wrote is used and its version is not recorded again, in case recording is what made it fail.
     */
    public void trainerExited(boolean crashed) {
        recorder.exited(0, crashed);
    }

    /**
     * The same for the process {@code pid}: ignored unless it is the one recording now. A process asked to write early
     * ({@code BRIGADE_ARCHIVE_RECORD_SECONDS}) is done once its archive exists and may exit long after the next version's
     * recording began: taken for that one, its exit would drop the new recording as "ended without writing it".
     */
    public void trainerExited(long pid, boolean crashed) {
        recorder.exited(pid, crashed);
    }

    private void pollLater() {
        synchronized (this) {
            pollUses();
        }
    }

    /** Reads the cds/aot logs of processes that were given an archive: an archive the JVM refused is deleted. */
    private void pollUses() {
        for (ArchiveUses.Refusal r : uses.refused()) {
            ArchiveRecording.deleteQuietly(r.archive());
            if (BaseArchive.is(r.archive())) {
                recorder.note("the JVM refused the class-data archive of the JDK and brigade-agent " + r.archive() + " (" + r.why()
                        + "): deleted, the app started without it; it is made again from the next process with no archive of its app");
                continue;
            }
            recorder.note("the JVM refused the class-data archive " + r.archive() + " of " + label() + " (" + r.why()
                    + "): deleted, the app started without it and its next process records a new one");
        }
    }

    /** The app's name, or its class path: for messages. */
    String label() {
        return app.isEmpty() ? String.join(File.pathSeparator, jars) : app;
    }

    /** The archive's file name now: re-hashes the jars' bytes when one changed size or time. */
    private String currentName() {
        String st = ArchiveFiles.stamp(keyJars);
        if (name == null || !st.equals(stamp)) {
            // the jars' times too: the JVM refuses an archive whose jars have other times, whatever their bytes
            name = prefix + "-" + ArchiveFiles.contentKey(java + "|" + version + "|aot4|" + flags + "|" + st, keyJars) + (aot ? ".aot" : ".jsa");
            stamp = st;
        }
        return name;
    }

    private boolean dirFine() {
        if (dirProblem == null) {
            try {
                ArchiveFiles.privateDir(dir);
                dirProblem = "";
            } catch (IOException | RuntimeException e) {
                dirProblem = "no class-data archive: " + e.getMessage();
                LOG.log(Level.WARNING, dirProblem);
            }
        }
        return dirProblem.isEmpty();
    }

    /** True if the archive of the current jars exists (new processes start from it). */
    public synchronized boolean ready() {
        return enabled && dirFine() && Files.isRegularFile(dir.resolve(currentName()));
    }

    /** The archive's state in a few words, for {@code describe}: kind, size and file, or recording, or why there is none. */
    public synchronized String describe() {
        if (!enabled) {
            return off;
        }
        pollUses();
        String kind = aot ? "AOT cache" : "AppCDS archive";
        Path file = dir.resolve(currentName());
        if (Files.isRegularFile(file)) {
            return kind + ", " + ArchiveFiles.mb(ArchiveFiles.size(file)) + ": new processes start from it (" + file + ")";
        }
        return recorder.describeMissing(currentName(), kind, recordInStandby) + (aot ? base.describe() : "");
    }

    boolean aot() {
        return aot;
    }

    Path java() {
        return java;
    }

    Path dir() {
        return dir;
    }

    String prefix() {
        return prefix;
    }

    String classPath() {
        return classPath;
    }

    List<String> createFlags() {
        return createFlags;
    }

    /** A temporary file of this daemon's (swept when its process is gone) for the archive {@code name}. */
    Path temp(String name, String suffix) {
        return dir.resolve(name + ".tmp" + ProcessHandle.current().pid() + suffix);
    }

    static int javaFeature(Path java) {
        return javaVersion(java).feature();
    }

    /** The version of the JDK that {@code java} belongs to ({@link ArchiveFiles#javaVersion}). */
    public static Runtime.Version javaVersion(Path java) {
        return ArchiveFiles.javaVersion(java);
    }

    static Runtime.Version parseVersion(String v) {
        return ArchiveFiles.parseVersion(v);
    }

    /** See {@link ArchiveFiles#privateDir}. */
    static void privateDir(Path dir) throws IOException {
        ArchiveFiles.privateDir(dir);
    }
}
