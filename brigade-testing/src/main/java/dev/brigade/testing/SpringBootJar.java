package dev.brigade.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 * A real Spring Boot executable jar, laid out as Spring Boot's build plugins make one: Spring Boot's JarLauncher at the
 * root (copied from {@code spring-boot-loader}), one app class under {@code BOOT-INF/classes}, the other jars given
 * (Spring Boot from Maven Central) stored under {@code BOOT-INF/lib}. Shared by the manager's tests and the bench.
 */
public final class SpringBootJar {
    private SpringBootJar() {
    }

    /**
     * Writes the jar beside {@code jar} and renames it over {@code jar} (a JVM running the old one keeps reading it).
     *
     * @param jar where the jar goes
     * @param springJars the app's dependencies, {@code spring-boot-loader-*.jar} among them
     * @param startClass the app's main class ({@code Start-Class}), binary name
     * @param startClassBytes its class file
     * @param version written as {@code Implementation-Version}, so that each version has other bytes; null for none
     * @return {@code jar}
     * @throws IOException if a jar cannot be read or written, or {@code spring-boot-loader} is not among {@code springJars}
     */
    public static Path write(Path jar, List<String> springJars, String startClass, byte[] startClassBytes, String version)
            throws IOException {
        String loader = springJars.stream().filter(j -> Path.of(j).getFileName().toString().startsWith("spring-boot-loader-"))
                .findFirst().orElseThrow(() -> new IOException("spring-boot-loader is not among the jars: " + springJars));
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.put(Attributes.Name.MAIN_CLASS, "org.springframework.boot.loader.launch.JarLauncher");
        a.putValue("Start-Class", startClass);
        a.putValue("Spring-Boot-Version", "3.5.7");
        a.putValue("Spring-Boot-Classes", "BOOT-INF/classes/");
        a.putValue("Spring-Boot-Lib", "BOOT-INF/lib/");
        if (version != null) {
            a.putValue("Implementation-Version", version);
        }
        Set<String> seen = new HashSet<>();
        Path tmp = jar.resolveSibling(jar.getFileName() + ".tmp");
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
            String cls = startClass.replace('.', '/') + ".class";
            // the directories too, as build plugins write them: Spring Boot's loader looks a class up under them
            String dirs = "BOOT-INF/classes/" + cls.substring(0, cls.lastIndexOf('/') + 1);
            for (int at = dirs.indexOf('/'); at >= 0; at = dirs.indexOf('/', at + 1)) {
                j.putNextEntry(new JarEntry(dirs.substring(0, at + 1)));
                j.closeEntry();
            }
            j.putNextEntry(new JarEntry("BOOT-INF/lib/"));
            j.closeEntry();
            j.putNextEntry(new JarEntry("BOOT-INF/classes/" + cls));
            j.write(startClassBytes);
            j.closeEntry();
            for (String lib : springJars) {
                if (!lib.equals(loader)) {
                    stored(j, "BOOT-INF/lib/" + Path.of(lib).getFileName(), Files.readAllBytes(Path.of(lib)));
                }
            }
        }
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
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
