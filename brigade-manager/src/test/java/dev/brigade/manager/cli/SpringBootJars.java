package dev.brigade.manager.cli;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
 * A real Spring Boot executable jar, laid out as Spring Boot's build plugins make it: Spring Boot's JarLauncher at the
 * root, the app's classes under BOOT-INF/classes, its dependencies (from Maven Central) stored under BOOT-INF/lib.
 */
final class SpringBootJars {
    static final String HELLO_SPRING = "dev.brigade.manager.spring.HelloSpring";

    private SpringBootJars() {
    }

    static Path helloSpring(Path dir, String file) throws IOException {
        String spring = System.getProperty("brigade.test.spring.classpath", "");
        List<String> jars = List.of(spring.split(File.pathSeparator)).stream().filter(j -> j.endsWith(".jar")).toList();
        String loader = jars.stream().filter(j -> Path.of(j).getFileName().toString().startsWith("spring-boot-loader-")).findFirst()
                .orElseThrow(() -> new AssertionError("spring-boot-loader is not in brigade.test.spring.classpath: " + spring));
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.put(Attributes.Name.MAIN_CLASS, "org.springframework.boot.loader.launch.JarLauncher");
        a.putValue("Start-Class", HELLO_SPRING);
        a.putValue("Spring-Boot-Version", "3.5.7");
        a.putValue("Spring-Boot-Classes", "BOOT-INF/classes/");
        a.putValue("Spring-Boot-Lib", "BOOT-INF/lib/");
        Path jar = dir.resolve(file);
        Path classes;
        try {
            classes = Path.of(TestApp.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
        Set<String> seen = new HashSet<>();
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
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
            String cls = HELLO_SPRING.replace('.', '/') + ".class";
            j.putNextEntry(new JarEntry("BOOT-INF/classes/" + cls));
            j.write(Files.readAllBytes(classes.resolve(cls)));
            j.closeEntry();
            for (String lib : jars) {
                if (lib.equals(loader)) {
                    continue;
                }
                byte[] bytes = Files.readAllBytes(Path.of(lib));
                JarEntry e = new JarEntry("BOOT-INF/lib/" + Path.of(lib).getFileName());
                e.setMethod(ZipEntry.STORED); // nested jars are stored, as Spring Boot's loader needs them
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
        return jar;
    }
}
