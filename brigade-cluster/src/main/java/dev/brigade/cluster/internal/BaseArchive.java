package dev.brigade.cluster.internal;

import java.io.File;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The class-data archive of the JDK and brigade-agent, for an app's processes that map no archive of the app: the first
 * start of a new version (its own archive is recorded later, by a standby), and any start while the app's archive is
 * recorded or assembled. Such a JVM would otherwise load from the JDK's default CDS archive, which a JVM with
 * {@code -javaagent} cannot use whole (the agent adds the module java.instrument: the JVM then builds its module graph
 * from scratch), and parse from the jars and the runtime image every class of the agent's worker path (the link, the
 * bind hooks, the socket adoption) and of the app's own use of the JDK.
 *
 * <p>It is a static CDS archive ({@code -Xshare:dump}) of the classes a process of an app loaded
 * ({@code -XX:DumpLoadedClassList}, given to one that maps no archive and records none), with the workers' JVM
 * flags and boot class path and <b>no class path</b>: it holds no class of any app, so no new version of an app can
 * make it stale, and the JVM accepts it whatever class path follows. Keyed by the JDK (path and version), the flags and
 * the size and time of the boot class path's jars (brigade-agent's): one archive serves every app with the same flags.
 * Built once, in the background, when the app's own archive is installed, and checked with {@code -Xshare:on} before it is
 * renamed into place: a JVM given a static archive that does not match its flags runs with no class-data sharing at
 * all, slower than with none given. JDK 25+ (where the app's own archive is an AOT cache); evicted with the other
 * archives of the directory, by last use.
 */
final class BaseArchive {
    private static final System.Logger LOG = System.getLogger("dev.brigade.cluster");
    private static final String AGENT = "-javaagent:";
    private static final String PREFIX = "base-";
    /** A class line ({@code name id: N ...}) or a directive of a class list; anything else is a torn write. */
    private static final Pattern LINE = Pattern.compile("#.*|@[a-z-]+ .*|[^ @#]+ id: [0-9]+( .*)?");
    private final Path dir;
    private final Path java;
    private final String version;
    private volatile List<String> runFlags = List.of();
    private boolean building;          // guarded by this
    private Path listed;               // guarded by this: the class list a process writes for it, until it is built

    BaseArchive(Path dir, Path java, String version) {
        this.dir = dir;
        this.java = java;
        this.version = version;
    }

    /** The flags every process of the app gets besides the archive's (the JVM flags, the agent's). */
    void flags(List<String> flags) {
        this.runFlags = List.copyOf(flags);
    }

    /** Its file now: a change of the JDK, the flags or a boot class path jar names another. */
    Path file() {
        List<String> boot = runFlags.stream().filter(f -> f.startsWith("-Xbootclasspath/a:"))
                .flatMap(f -> List.of(f.substring("-Xbootclasspath/a:".length()).split(File.pathSeparator)).stream()).toList();
        String key = ArchiveFiles.hash(java + "|" + version + "|base1|" + runFlags + "|" + ArchiveFiles.stamp(boot));
        return dir.resolve(PREFIX + key.substring(0, 16) + ".jsa");
    }

    /** Its file, if it exists now; else null. */
    Path existing() {
        Path f = file();
        return Files.isRegularFile(f) ? f : null;
    }

    /** True if {@code file} is the file of a base archive (of whatever key). */
    static boolean is(Path file) {
        return file.getFileName().toString().startsWith(PREFIX);
    }

    /**
     * The flag that makes a process list the classes it loads into {@code list}; none when the archive exists, is being
     * built, or another process lists for it already.
     */
    synchronized List<String> listFlags(Path list) {
        if (building || listed != null || Files.isRegularFile(file())) {
            return List.of();
        }
        try {
            ArchiveFiles.createPrivate(list); // the JVM writes into it as it is, with the user's umask otherwise
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        listed = list;
        return List.of("-XX:DumpLoadedClassList=" + list);
    }

    /** Builds it from the list a process wrote, if any: called once the app's own archive is installed. */
    void buildListed() {
        Path list;
        synchronized (this) {
            list = listed;
            listed = null;
        }
        if (list != null) {
            buildFrom(list);
        }
    }

    /** For {@code describe}, after what it says of the app's archive: where a process with none starts from meanwhile. */
    String describe() {
        Path b = existing();
        return b == null ? ""
                : "; meanwhile the JDK's and the agent's classes come from " + b + " (" + ArchiveFiles.mb(ArchiveFiles.size(b)) + ")";
    }

    /**
     * Builds the archive from {@code list} (a temporary file of the archive directory, then deleted) on a thread of its
     * own, unless it exists or is being built.
     */
    private void buildFrom(Path list) {
        Path temp = list.resolveSibling(list.getFileName() + ".jsa");
        Path filtered = list.resolveSibling(list.getFileName() + ".f");
        Path log = list.resolveSibling(list.getFileName() + ".log");
        synchronized (this) {
            if (building || !Files.isRegularFile(list)) {
                ArchiveRecording.deleteQuietly(list);
                return;
            }
            building = true;
        }
        ArchiveRecording.background(() -> {
            try {
                build(list, filtered, temp, log);
            } finally {
                ArchiveRecording.deleteQuietly(list);
                ArchiveRecording.deleteQuietly(filtered);
                ArchiveRecording.deleteQuietly(temp);
                synchronized (this) {
                    building = false;
                }
            }
        });
    }

    private void build(Path list, Path filtered, Path temp, Path log) {
        Path target = file();
        if (Files.isRegularFile(target)) {
            return;
        }
        String[] why = new String[1];
        try {
            // the process may still be writing it (its last line cut short), and the JVM writes some lines of it from
            // two threads at exit (one torn into another)
            String text = Files.readString(list, StandardCharsets.ISO_8859_1);
            List<String> lines = new ArrayList<>(text.lines().toList());
            if (!text.endsWith("\n") && !lines.isEmpty()) {
                lines.remove(lines.size() - 1);
            }
            List<String> whole = lines.stream().filter(l -> LINE.matcher(l).matches()).toList();
            if (whole.stream().noneMatch(l -> l.contains(" id: "))) {
                return;
            }
            // a directive naming a class of the app (not on the dump's class path) is skipped with a warning, but one
            // the JVM cannot parse at all fails the whole dump: then the classes alone
            if (!dump(whole, filtered, temp, log, why)
                    && !dump(whole.stream().filter(l -> !l.startsWith("@")).toList(), filtered, temp, log, why)) {
                LOG.log(Level.DEBUG, "no base class-data archive: " + why[0]);
                return;
            }
            List<String> check = new ArrayList<>(List.of(java.toString(), "-XX:SharedArchiveFile=" + temp, "-Xshare:on"));
            check.addAll(dumpFlags());
            check.add("-version");
            if (!AotAssembler.run(check, log, why, null)) {
                LOG.log(Level.DEBUG, "the base class-data archive does not map with the workers' flags: " + why[0]);
                return;
            }
            ArchiveFiles.ownOnly(temp);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            LOG.log(Level.INFO, "class-data archive of the JDK and brigade-agent " + target + " (" + ArchiveFiles.mb(ArchiveFiles.size(target))
                    + "): a process with no archive of its app starts from it");
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "no base class-data archive: " + e);
        }
    }

    private boolean dump(List<String> lines, Path list, Path temp, Path log, String[] why) throws IOException {
        ArchiveFiles.createPrivate(list);
        Files.write(list, lines, StandardCharsets.ISO_8859_1);
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-Xshare:dump", "-XX:SharedClassListFile=" + list,
                "-XX:SharedArchiveFile=" + temp));
        cmd.addAll(dumpFlags());
        return AotAssembler.run(cmd, log, why, null) && Files.isRegularFile(temp);
    }

    /**
     * The workers' flags as a dump takes them: an agent is not run by a dump, but the module it adds (java.instrument)
     * is one of the properties the JVM checks an archive against.
     */
    private List<String> dumpFlags() {
        List<String> out = new ArrayList<>();
        boolean agent = false;
        for (String f : runFlags) {
            if (f.startsWith(AGENT)) {
                agent = true;
            } else {
                out.add(f);
            }
        }
        if (agent) {
            out.add("--add-modules=java.instrument");
        }
        return out;
    }
}
