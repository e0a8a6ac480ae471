package dev.brigade.cluster.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The per-app class-data archive that makes worker JVMs start faster and smaller: the AOT cache
 * on JDK 25+ ({@code -XX:AOTCacheOutput} to train, {@code -XX:AOTCache} to use), AppCDS on
 * older JDKs ({@code -XX:ArchiveClassesAtExit} / {@code -XX:SharedArchiveFile}).
 *
 * <p>The first worker started without an archive trains it: it writes to a temporary file when
 * it exits, which is then renamed into place, so concurrent workers never read a half-written
 * archive. The file name holds a hash of the JDK, the flags and every jar's path, size and
 * modification time: a changed jar means a new archive, and the stale ones of the same app are
 * deleted. Archives need jars: a class path with directories gets none.
 *
 * <p>The AOT cache is trained without {@code -XX:+AOTClassLinking} (on by default when training):
 * a cache with linked classes loads every class of the training run as the JVM starts and brings
 * more archived objects into the heap, 0.5 MB of PSS per idle worker, and measured no faster to
 * online for a worker (49–56 ms either way, {@code brigade bench cluster}).
 */
final class Archive {
    private final boolean enabled;
    private final String why;
    private final boolean aot;
    private final Path file;
    private final Path temp;
    private final Path dir;
    private final String appPrefix;
    private boolean training; // guarded by this
    private String dirProblem; // guarded by this; null until the directory was checked, "" when it is fine

    Archive(boolean wanted, Path dir, Path java, CommandLine.Parts parts) {
        this.dir = dir;
        int feature = javaFeature(java);
        this.aot = feature >= 25;
        List<String> jars = new ArrayList<>(parts.classPath());
        int jarFlag = parts.launch().indexOf("-jar");
        if (jarFlag >= 0) {
            jars.add(parts.launch().get(jarFlag + 1));
        }
        String reason = null;
        if (!wanted) {
            reason = "off (classDataArchive=false)";
        } else if (feature < 21) {
            reason = "off (worker JDK " + feature + " is older than 21)";
        } else if (jars.isEmpty() || parts.launch().contains("-m")) {
            reason = "off (needs a class path of jars)";
        } else {
            for (String j : jars) {
                if (!j.endsWith(".jar") || !Files.isRegularFile(Path.of(j))) {
                    reason = "off (class path entry " + j + " is not a jar; archives need jars)";
                    break;
                }
            }
        }
        this.enabled = reason == null;
        this.appPrefix = hash(java + "|" + String.join("|", jars) + "|" + parts.launch()).substring(0, 12);
        // "aot2": caches trained before -XX:-AOTClassLinking are not reused
        StringBuilder content = new StringBuilder(java + "|" + feature + "|aot2|" + parts.jvmFlags());
        for (String j : jars) {
            try {
                Path p = Path.of(j);
                content.append('|').append(j).append(':').append(Files.size(p)).append(':').append(Files.getLastModifiedTime(p).toMillis());
            } catch (IOException | RuntimeException e) {
                content.append('|').append(j);
            }
        }
        String name = appPrefix + "-" + hash(content.toString()).substring(0, 16) + (aot ? ".aot" : ".jsa");
        this.file = dir.resolve(name);
        this.temp = dir.resolve(name + ".tmp" + ProcessHandle.current().pid());
        this.why = enabled ? (aot ? "AOT cache " : "AppCDS archive ") + file : reason;
    }

    /** Flags for the next worker: use the archive, train it, or nothing while another worker trains. */
    synchronized List<String> nextFlags() {
        if (!enabled) {
            return List.of();
        }
        if (dirProblem == null) {
            try {
                privateDir(dir);
                dirProblem = "";
            } catch (IOException | RuntimeException e) {
                dirProblem = "no class-data archive: " + e.getMessage();
                System.getLogger("dev.brigade.cluster").log(System.Logger.Level.WARNING, dirProblem);
            }
        }
        if (!dirProblem.isEmpty()) {
            return List.of();
        }
        if (Files.isRegularFile(file)) {
            return List.of(aot ? "-XX:AOTCache=" + file : "-XX:SharedArchiveFile=" + file, "-Xlog:cds=off", "-Xlog:aot=off");
        }
        if (training) {
            return List.of();
        }
        training = true;
        return aot ? List.of("-XX:AOTCacheOutput=" + temp, "-XX:-AOTClassLinking", "-Xlog:cds=off", "-Xlog:aot=off")
                : List.of("-XX:ArchiveClassesAtExit=" + temp, "-Xlog:cds=off", "-Xlog:aot=off");
    }

    /** True if these flags make a training run. */
    boolean isTraining(List<String> flags) {
        return flags.stream().anyMatch(f -> f.startsWith("-XX:AOTCacheOutput") || f.startsWith("-XX:ArchiveClassesAtExit"));
    }

    /** Called when the training worker exited: publish its archive, if it wrote one, and drop stale ones. */
    synchronized void trainerExited() {
        training = false;
        try {
            if (Files.isRegularFile(temp) && Files.size(temp) > 0) {
                Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                try (var others = Files.list(dir)) {
                    for (Path p : others.toList()) {
                        String n = p.getFileName().toString();
                        if (n.startsWith(appPrefix + "-") && !p.equals(file) && !n.contains(".tmp")) {
                            Files.deleteIfExists(p);
                        }
                    }
                }
            }
            Files.deleteIfExists(temp);
            Files.deleteIfExists(Path.of(temp + ".config"));
        } catch (IOException e) {
            System.getLogger("dev.brigade.cluster").log(System.Logger.Level.WARNING, "cannot publish class-data archive " + file, e);
        }
    }

    boolean ready() {
        return enabled && Files.isRegularFile(file);
    }

    /**
     * Creates the archive directory 0700 (its parents too) and refuses one that another user owns or may write: a JVM
     * maps the archive it is given, so an archive planted by someone else would run their code as this user. Deletes the
     * training files ({@code *.tmpPID}, {@code *.tmpPID.config}) of primaries that died mid-training.
     */
    static void privateDir(Path dir) throws IOException {
        var rwx = java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir.getParent());
            try {
                Files.createDirectory(dir, rwx);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // raced: checked below
            }
        }
        Path real = dir.toRealPath();
        int owner = (Integer) Files.getAttribute(real, "unix:uid");
        int mode = (Integer) Files.getAttribute(real, "unix:mode") & 0777;
        int me = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        if (owner != me || (mode & 0022) != 0) {
            throw new IOException("the archive directory " + dir + " is owned by uid " + owner + " with mode " + Integer.toOctalString(mode)
                    + ": it must be yours and writable by you only (fix: chown " + me + " " + dir + " && chmod 700 " + dir + ")");
        }
        try (var files = Files.newDirectoryStream(dir, "*.tmp*")) {
            for (Path f : files) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile(".*\\.tmp([0-9]{1,10})(\\.config)?").matcher(f.getFileName().toString());
                if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    String describe() {
        return why;
    }

    static int javaFeature(Path java) {
        return javaVersion(java).feature();
    }

    /**
     * The version of the JDK that {@code java} belongs to, from its {@code release} file
     * ({@code JAVA_VERSION="21.0.1"}); the primary's own version if that cannot be read.
     */
    static Runtime.Version javaVersion(Path java) {
        Path release = java.toAbsolutePath().getParent().getParent().resolve("release");
        try {
            for (String line : Files.readAllLines(release)) {
                if (line.startsWith("JAVA_VERSION=")) {
                    return parseVersion(line.substring(13).replace("\"", "").trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through: assume the primary's own version
        }
        return Runtime.version();
    }

    /** "21.0.1", "25", "22-ea", "1.8.0_402" (feature 8) as a version; IllegalArgumentException otherwise. */
    static Runtime.Version parseVersion(String v) {
        if (v.startsWith("1.")) {
            return Runtime.Version.parse(v.substring(2).split("[._+-]")[0]);
        }
        return Runtime.Version.parse(v.split("[+-]")[0]);
    }

    private static String hash(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
