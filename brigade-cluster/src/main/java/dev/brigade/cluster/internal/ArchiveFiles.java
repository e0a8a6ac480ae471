package dev.brigade.cluster.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files behind {@link Archive}: the private directory they live in, content hashes of jars,
 * and the size cap that evicts the least recently used archives.
 */
public final class ArchiveFiles {
    /** Archives kept per directory before the least recently used go: {@value} MiB unless {@code BRIGADE_ARCHIVE_CAP_MB} says otherwise. */
    public static final long DEFAULT_CAP_MB = 1024;
    private static final Pattern TEMP = Pattern.compile(".*\\.tmp([0-9]{1,10})(\\D.*)?");

    private ArchiveFiles() {
    }

    /** The size cap of an archive directory, in bytes ({@code BRIGADE_ARCHIVE_CAP_MB}, default {@value #DEFAULT_CAP_MB}). */
    public static long capBytes() {
        String v = System.getenv("BRIGADE_ARCHIVE_CAP_MB");
        try {
            return (v == null || v.isBlank() ? DEFAULT_CAP_MB : Long.parseLong(v.trim())) << 20;
        } catch (NumberFormatException e) {
            return DEFAULT_CAP_MB << 20;
        }
    }

    /**
     * Creates the directory 0700 (its parents too) and refuses one that another user owns or may write: a JVM
     * maps the archive it is given, so an archive planted by someone else would run their code as this user. Deletes the
     * temporary files ({@code *.tmpPID*}) of processes that died while they recorded.
     */
    public static void privateDir(Path dir) throws IOException {
        var rwx = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
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
                Matcher m = TEMP.matcher(f.getFileName().toString());
                if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    /** Creates {@code file} empty and owner-only (0600) from the start, replacing what was there. */
    static void createPrivate(Path file) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }

    /** Makes {@code file} owner-only (0600). */
    static void ownOnly(Path file) throws IOException {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    /**
     * The file's bytes as 24 hex digits: CRC32C, CRC32 and the size's low 32 bits. A cache key against accidents, not
     * an adversary (whoever can change the app's jars runs code anyway, and the cache is private): in the daemon, whose
     * JIT stops at C1, SHA-256 took 140 ms per 20 MB, twice on the first start of a Spring Boot version (the fat jar,
     * then its extracted jars); the two CRCs are intrinsics, 5 ms.
     */
    public static String contentHash(Path file) throws IOException {
        java.util.zip.CRC32C a = new java.util.zip.CRC32C();
        java.util.zip.CRC32 b = new java.util.zip.CRC32();
        long size = 0;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                a.update(buf, 0, n);
                b.update(buf, 0, n);
                size += n;
            }
        }
        return String.format("%08x%08x%08x", a.getValue(), b.getValue(), size & 0xffffffffL);
    }

    /** SHA-256 of the string, in hex. */
    public static String hash(String s) {
        return HexFormat.of().formatHex(sha256().digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Size and time of every jar: when it changes, {@link #contentKey} is computed again. */
    public static String stamp(List<String> jars) {
        StringBuilder st = new StringBuilder();
        for (String j : jars) {
            try {
                Path p = Path.of(j);
                st.append(Files.size(p)).append(':').append(Files.getLastModifiedTime(p).toMillis()).append('|');
            } catch (IOException | RuntimeException e) {
                st.append("?|");
            }
        }
        return st.toString();
    }

    /** 16 hex digits of a hash of {@code head} and the bytes of every jar. */
    static String contentKey(String head, List<String> jars) {
        StringBuilder content = new StringBuilder(head);
        for (String j : jars) {
            try {
                content.append('|').append(contentHash(Path.of(j)));
            } catch (IOException | RuntimeException e) {
                content.append('|').append(j);
            }
        }
        return hash(content.toString()).substring(0, 16);
    }

    /**
     * True if every jar file of {@code jars} exists and opens as a zip (its central directory, written last, is there);
     * class directories are read file by file and pass.
     */
    static boolean readable(List<String> jars) {
        for (String j : jars) {
            if (Files.isDirectory(Path.of(j))) {
                continue;
            }
            try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(j)) {
                // opening reads the central directory: enough
            } catch (IOException | RuntimeException e) {
                return false; // being written, or missing (its new version is not there yet)
            }
        }
        return true;
    }

    /** Deletes the files of {@code dir} named {@code prefix...} but {@code keep} (and temporary files). */
    static void deleteOthers(Path dir, String prefix, Path keep) throws IOException {
        try (var others = Files.list(dir)) {
            for (Path p : others.toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith(prefix) && !p.equals(keep) && !n.contains(".tmp")) {
                    Files.deleteIfExists(p);
                }
            }
        }
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

    /** Why a process gets no archive, or null if it may have one. */
    static String offReason(boolean wanted, int feature, List<String> jars, List<String> jvmFlags, boolean classPathLaunch) {
        if (!wanted) {
            return "off (classDataArchive=false)";
        } else if (feature < 21) {
            return "off (JDK " + feature + " is older than 21)";
        } else if (jars.isEmpty() || !classPathLaunch) {
            return "off (needs a class path of jars)";
        } else if (jvmFlags.stream().anyMatch(ArchiveFiles::ownArchiveFlag)) {
            return "off (the JVM flags choose their own archive or -Xshare)";
        }
        for (String j : jars) {
            if (!j.endsWith(".jar") || !Files.isRegularFile(Path.of(j))) {
                return "off (class path entry " + j + " is not a jar; archives need jars)";
            }
        }
        return null;
    }

    private static boolean ownArchiveFlag(String f) {
        return f.startsWith("-Xshare") || f.startsWith("-XX:SharedArchiveFile") || f.startsWith("-XX:ArchiveClassesAtExit")
                || f.startsWith("-XX:AOTCache") || f.startsWith("-XX:AOTMode") || f.startsWith("-XX:AOTConfiguration")
                || f.startsWith("-XX:+AutoCreateSharedArchive");
    }

    /** Marks {@code file} as just used: eviction goes by last use. */
    static void touch(Path file) {
        try {
            Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException | RuntimeException e) {
            // not worth a warning: at worst it is evicted earlier
        }
    }

    /**
     * Deletes the least recently used entries of {@code dir} whose names end with one of {@code suffixes} (files, or
     * directories with what they hold) until the rest fit in {@code cap} bytes; {@code keep} is never deleted.
     * Returns what was deleted.
     */
    public static List<Path> evict(Path dir, List<String> suffixes, long cap, Path keep) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (var list = Files.list(dir)) {
            for (Path p : list.toList()) {
                String n = p.getFileName().toString();
                if (!n.contains(".tmp") && suffixes.stream().anyMatch(n::endsWith)) {
                    entries.add(p);
                }
            }
        }
        entries.sort(Comparator.comparingLong(ArchiveFiles::lastUse).reversed());
        long total = 0;
        List<Path> gone = new ArrayList<>();
        for (Path p : entries) {
            total += size(p);
            if (total > cap && !p.equals(keep)) {
                delete(p);
                gone.add(p);
            }
        }
        return gone;
    }

    private static long lastUse(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Bytes of a file, or of everything under a directory. */
    public static long size(Path p) {
        try (var walk = Files.walk(p)) {
            return walk.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Deletes a file, or a directory and what it holds. */
    public static void delete(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    /** "12.3 MB". */
    public static String mb(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1_048_576.0);
    }
}
