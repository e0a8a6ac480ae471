package dev.brigade.manager.daemon;

import dev.brigade.cluster.internal.ArchiveFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/*
 * A Spring Boot executable jar keeps its dependencies as jars inside the jar (BOOT-INF/lib) and its classes under
 * BOOT-INF/classes, read by Spring Boot's own class loader: the JVM's class-data sharing cannot archive any of them.
 * Spring Boot's answer is `java -Djarmode=tools -jar app.jar extract`: an app.jar of the classes, with a Class-Path of
 * lib/*.jar, run as a plain `java -jar`. This is the same layout, made by us (the tools jar is optional in a fat jar,
 * and starting a JVM to extract costs seconds): nothing is run, entries are copied.
 *
 * Layouts are cached per content hash of the fat jar, under the user's cache (0700 dirs, 0600 files), and never
 * change once made (written to a temporary directory, renamed into place). A process is started from a small
 * launcher jar at a path that is stable for the fat jar's path (its manifest: Main-Class = Start-Class, Class-Path =
 * the layout's jars): a new version only rewrites the launcher, so a cluster's rolling reload starts the new
 * workers from the new layout while the old ones keep their own.
 */
/** The extracted layout of a Spring Boot executable jar, so that its classes can be archived. */
final class BootLayout {
    /**
     * The content hash of each fat jar seen, with the size and time it had then: a restart re-reads 20 MB of jar only
     * when one of them changed (hashing it in the daemon took a quarter of a second before every Spring Boot restart).
     */
    private static final java.util.Map<Path, Known> KNOWN = new java.util.concurrent.ConcurrentHashMap<>();

    private record Known(long size, FileTime time, String hash) {
    }

    private BootLayout() {
    }

    /** True if {@code jar} is a Spring Boot executable jar (its manifest says so, or it holds BOOT-INF/). */
    static boolean isSpringBoot(Path jar) {
        try (JarFile jf = new JarFile(jar.toFile())) {
            Manifest m = jf.getManifest();
            Attributes a = m == null ? null : m.getMainAttributes();
            boolean declared = a != null && (a.getValue("Spring-Boot-Version") != null || a.getValue("Spring-Boot-Classes") != null);
            return (declared || jf.getEntry("BOOT-INF/") != null || jf.getEntry("BOOT-INF/classes/") != null)
                    && a != null && a.getValue("Start-Class") != null;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * The jar to run instead of {@code fatJar}: its launcher over the extracted layout (made now if missing) in
     * {@code root}; {@code fatJar} itself if it is no Spring Boot jar.
     */
    static Path prepare(Path fatJar, Path root) throws IOException {
        // one at a time per jar (a reload's and the daemon's ahead of it: ClusterRun), not per daemon: a fork-mode
        // restart of another app must not wait for this one's extraction
        synchronized (LOCKS.computeIfAbsent(fatJar.toAbsolutePath(), k -> new Object())) {
            return prepareLocked(fatJar, root);
        }
    }

    private static final java.util.Map<Path, Object> LOCKS = new java.util.concurrent.ConcurrentHashMap<>();

    private static Path prepareLocked(Path fatJar, Path root) throws IOException {
        if (!isSpringBoot(fatJar)) {
            return fatJar;
        }
        ArchiveFiles.privateDir(root);
        var attrs = Files.readAttributes(fatJar, java.nio.file.attribute.BasicFileAttributes.class);
        FileTime time = attrs.lastModifiedTime();
        String hash = hashOf(fatJar, time);
        Path layout = root.resolve(hash);
        if (!Files.isRegularFile(layout.resolve("app.jar"))) {
            extract(fatJar, root, layout, time, attrs.fileKey());
        }
        Files.setLastModifiedTime(layout, FileTime.fromMillis(System.currentTimeMillis())); // last use, for eviction
        Path launcher = root.resolve("run-" + ArchiveFiles.hash(fatJar.toAbsolutePath().toString()).substring(0, 16) + ".jar");
        writeLauncher(fatJar, layout, launcher, time);
        for (Path gone : ArchiveFiles.evict(root, List.of(""), ArchiveFiles.capBytes(), layout)) {
            if (Files.isDirectory(gone)) {
                System.getLogger("dev.brigade.manager").log(System.Logger.Level.INFO, "evicted extracted Spring Boot layout " + gone);
            }
        }
        return launcher;
    }

    /** 20 hex digits of the jar's content hash: computed again only when its size or time changed. */
    static String hashOf(Path fatJar, FileTime time) throws IOException {
        Path key = fatJar.toAbsolutePath();
        long size = Files.size(fatJar);
        Known k = KNOWN.get(key);
        if (k == null || k.size() != size || !k.time().equals(time)) {
            k = new Known(size, time, ArchiveFiles.contentHash(fatJar).substring(0, 20));
            KNOWN.put(key, k);
        }
        return k.hash();
    }

    /** @param key the jar's file key when it was hashed: a jar renamed over it meanwhile is another file */
    private static void extract(Path fatJar, Path root, Path layout, FileTime time, Object key) throws IOException {
        Path tmp = root.resolve(layout.getFileName() + ".tmp" + ProcessHandle.current().pid());
        ArchiveFiles.delete(tmp);
        Files.createDirectory(tmp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(PrivateFiles.DIR));
        Files.createDirectory(tmp.resolve("lib"), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(PrivateFiles.DIR));
        try (JarFile jf = new JarFile(fatJar.toFile())) {
            Attributes main = jf.getManifest().getMainAttributes();
            String classes = orDefault(main.getValue("Spring-Boot-Classes"), "BOOT-INF/classes/");
            String lib = orDefault(main.getValue("Spring-Boot-Lib"), "BOOT-INF/lib/");
            Manifest m = new Manifest();
            m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
            m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, main.getValue("Start-Class"));
            try (OutputStream out = Files.newOutputStream(tmp.resolve("app.jar")); JarOutputStream app = new JarOutputStream(out, m)) {
                for (Enumeration<JarEntry> en = jf.entries(); en.hasMoreElements(); ) {
                    JarEntry e = en.nextElement();
                    String n = e.getName();
                    if (n.startsWith(classes) && n.length() > classes.length()) {
                        JarEntry copy = new JarEntry(n.substring(classes.length()));
                        copy.setTime(e.getTime());
                        app.putNextEntry(copy);
                        if (!e.isDirectory()) {
                            try (InputStream in = jf.getInputStream(e)) {
                                in.transferTo(app);
                            }
                        }
                        app.closeEntry();
                    } else if (n.startsWith(lib) && n.endsWith(".jar") && !n.substring(lib.length()).contains("/")) {
                        Path dest = tmp.resolve("lib").resolve(n.substring(lib.length()));
                        try (InputStream in = jf.getInputStream(e)) {
                            Files.copy(in, dest);
                        }
                    }
                }
            }
            Path idx = tmp.resolve("classpath.idx");
            List<String> order = classpathOrder(jf, lib);
            Files.write(idx, order);
        }
        try (var walk = Files.walk(tmp)) {
            for (Path p : walk.toList()) {
                if (Files.isRegularFile(p)) {
                    Files.setPosixFilePermissions(p, PrivateFiles.FILE);
                    Files.setLastModifiedTime(p, time); // as the fat jar: the JVM checks the jars' times against the archive
                }
            }
        }
        if (!Files.getLastModifiedTime(fatJar).equals(time) || !java.util.Objects.equals(key, Files.readAttributes(fatJar,
                java.nio.file.attribute.BasicFileAttributes.class).fileKey())) {
            ArchiveFiles.delete(tmp); // another version was copied in meanwhile: this layout may hold parts of both
            throw new IOException("the jar " + fatJar + " changed while it was extracted");
        }
        try {
            Files.move(tmp, layout, StandardCopyOption.ATOMIC_MOVE);
        } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
            ArchiveFiles.delete(tmp); // another daemon made it first: the same bytes
        }
    }

    /** The jars of BOOT-INF/lib in Spring Boot's class path order (its classpath.idx), without its jarmode tools. */
    private static List<String> classpathOrder(JarFile jf, String lib) throws IOException {
        List<String> names = new ArrayList<>();
        JarEntry idx = jf.getJarEntry("BOOT-INF/classpath.idx");
        if (idx != null) {
            try (InputStream in = jf.getInputStream(idx)) {
                for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                    String n = line.trim().replaceFirst("^- ", "").replace("\"", "");
                    if (n.startsWith(lib)) {
                        names.add(n.substring(lib.length()));
                    }
                }
            }
        }
        for (Enumeration<JarEntry> en = jf.entries(); en.hasMoreElements(); ) {
            String n = en.nextElement().getName();
            if (n.startsWith(lib) && n.endsWith(".jar") && !names.contains(n.substring(lib.length()))) {
                names.add(n.substring(lib.length()));
            }
        }
        names.removeIf(n -> n.contains("/") || n.startsWith("spring-boot-jarmode-"));
        return names;
    }

    private static void writeLauncher(Path fatJar, Path layout, Path launcher, FileTime time) throws IOException {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (JarFile jf = new JarFile(fatJar.toFile())) {
            a.put(Attributes.Name.MAIN_CLASS, jf.getManifest().getMainAttributes().getValue("Start-Class"));
        }
        List<String> cp = new ArrayList<>();
        String dir = layout.getFileName().toString();
        cp.add(dir + "/app.jar");
        for (String n : Files.readAllLines(layout.resolve("classpath.idx"))) {
            cp.add(dir + "/lib/" + n.replace("%", "%25").replace(" ", "%20"));
        }
        a.put(Attributes.Name.CLASS_PATH, String.join(" ", cp));
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(bytes)) {
            JarEntry e = new JarEntry(JarFile.MANIFEST_NAME);
            e.setTime(time.toMillis()); // the same bytes for the same layout: rewritten only when the version changes
            out.putNextEntry(e);
            m.write(out);
            out.closeEntry();
        }
        byte[] want = bytes.toByteArray();
        if (Files.isRegularFile(launcher) && java.util.Arrays.equals(Files.readAllBytes(launcher), want)) {
            return;
        }
        PrivateFiles.write(launcher, want, time); // its bytes and time in one rename: a standby follows one change
    }

    private static String orDefault(String v, String d) {
        return v == null || v.isBlank() ? d : v.endsWith("/") ? v : v + "/";
    }
}
