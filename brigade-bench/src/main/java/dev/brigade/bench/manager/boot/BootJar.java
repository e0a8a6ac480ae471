package dev.brigade.bench.manager.boot;

import dev.brigade.testing.SpringBootJar;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
        String cls = HelloBoot.class.getName().replace('.', '/') + ".class";
        byte[] bytes;
        try (InputStream in = HelloBoot.class.getClassLoader().getResourceAsStream(cls)) {
            bytes = in.readAllBytes();
        }
        return SpringBootJar.write(jar, springJars(), HelloBoot.class.getName(), bytes, version);
    }
}
