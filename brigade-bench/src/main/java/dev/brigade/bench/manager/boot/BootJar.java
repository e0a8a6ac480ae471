package dev.brigade.bench.manager.boot;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;

/**
 * {@link HelloBoot} as a Spring Boot executable jar, laid out as Spring Boot's build plugins make one: its
 * JarLauncher at the root, the app's classes under BOOT-INF/classes, its dependencies (Spring Boot 3.5 from Maven
 * Central, listed by the build in {@code spring.classpath}) stored under BOOT-INF/lib.
 */
public final class BootJar {
    private BootJar() {
    }

    /** The jars of the sample, or a reason they are missing (as the message of the exception). */
    static List<String> springJars() throws IOException {
        try (InputStream in = BootJar.class.getResourceAsStream("spring.classpath")) {
            if (in == null) {
                throw new IOException("no spring.classpath resource (built without the bench's Maven build?)");
            }
            List<String> jars = List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim().split(File.pathSeparator));
            for (String j : jars) {
                if (!Files.isRegularFile(Path.of(j))) {
                    throw new IOException("Spring Boot jar " + j + " is missing (the local Maven repository of the build)");
                }
            }
            return jars;
        }
    }

    /** Writes the executable jar to {@code jar}; {@code version} goes into it, so each version has other bytes. */
    public static Path write(Path jar, String version) throws IOException {
        List<String> jars = springJars();
        String loader = jars.stream().filter(j -> Path.of(j).getFileName().toString().startsWith("spring-boot-loader-")).findFirst()
                .orElseThrow(() -> new IOException("spring-boot-loader is not in spring.classpath"));
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.put(Attributes.Name.MAIN_CLASS, "org.springframework.boot.loader.launch.JarLauncher");
        a.putValue("Start-Class", HelloBoot.class.getName());
        a.putValue("Spring-Boot-Version", "3.5.7");
        a.putValue("Spring-Boot-Classes", "BOOT-INF/classes/");
        a.putValue("Spring-Boot-Lib", "BOOT-INF/lib/");
        a.putValue("Implementation-Version", version);
        Set<String> seen = new HashSet<>();
        Path tmp = jar.resolveSibling(jar.getFileName() + ".tmp"); // renamed over it: a JVM running the old one keeps reading it
        try (OutputStream out = Files.newOutputStream(tmp); JarOutputStream j = new JarOutputStream(out, m)) {
            try (JarFile lf = new JarFile(loader)) {
                for (Enumeration<JarEntry> en = lf.entries(); en.hasMoreElements(); ) {
                    JarEntry e = en.nextElement();
                    if (e.getName().startsWith("META-INF/MANIFEST") || !seen.add(e.getName())) {
                        continue;
                    }
                    j.putNextEntry(new JarEntry(e.getName()));
                    try (InputStream in = lf.getInputStream(e)) {
                        in.transferTo(j);
                    }
                    j.closeEntry();
                }
            }
            String cls = HelloBoot.class.getName().replace('.', '/') + ".class";
            // the directories too, as build plugins write them: Spring Boot's loader looks a class up under them
            String dirs = "BOOT-INF/classes/" + cls.substring(0, cls.lastIndexOf('/') + 1);
            for (int at = dirs.indexOf('/'); at >= 0; at = dirs.indexOf('/', at + 1)) {
                j.putNextEntry(new JarEntry(dirs.substring(0, at + 1)));
                j.closeEntry();
            }
            j.putNextEntry(new JarEntry("BOOT-INF/lib/"));
            j.closeEntry();
            j.putNextEntry(new JarEntry("BOOT-INF/classes/" + cls));
            try (InputStream in = HelloBoot.class.getClassLoader().getResourceAsStream(cls)) {
                in.transferTo(j);
            }
            j.closeEntry();
            for (String lib : jars) {
                if (!lib.equals(loader)) {
                    stored(j, "BOOT-INF/lib/" + Path.of(lib).getFileName(), Files.readAllBytes(Path.of(lib)));
                }
            }
        }
        Files.move(tmp, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return jar;
    }

    /** Nested jars are stored, not deflated: Spring Boot's loader reads them in place. */
    private static void stored(JarOutputStream j, String name, byte[] bytes) throws IOException {
        JarEntry e = new JarEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(bytes.length);
        e.setCompressedSize(bytes.length);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        e.setCrc(crc.getValue());
        j.putNextEntry(e);
        j.write(bytes);
        j.closeEntry();
    }
}
