package dev.brigade.manager.cli;

import dev.brigade.testing.SpringBootJar;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real Spring Boot executable jar, laid out as Spring Boot's build plugins make it: Spring Boot's JarLauncher at the
 * root, the app's classes under BOOT-INF/classes, its dependencies (from Maven Central) stored under BOOT-INF/lib.
 */
final class SpringBootJars {
    static final String HELLO_SPRING = "dev.brigade.manager.spring.HelloSpring";

    private SpringBootJars() {
    }

    static Path helloSpring(Path dir, String file) throws IOException {
        return helloSpring(dir, file, null);
    }

    /** The same, as version {@code version} (other bytes for each), written over the file if it exists. */
    static Path helloSpring(Path dir, String file, String version) throws IOException {
        String spring = System.getProperty("brigade.test.spring.classpath", "");
        List<String> jars = List.of(spring.split(File.pathSeparator)).stream().filter(j -> j.endsWith(".jar")).toList();
        Path classes;
        try {
            classes = Path.of(TestApp.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
        byte[] bytes = Files.readAllBytes(classes.resolve(HELLO_SPRING.replace('.', '/') + ".class"));
        return SpringBootJar.write(dir.resolve(file), jars, HELLO_SPRING, bytes, version);
    }
}
