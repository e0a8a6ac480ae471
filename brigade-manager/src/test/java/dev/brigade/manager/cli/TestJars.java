package dev.brigade.manager.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Runnable jars of the test apps, built by the tests ({@code java -jar} needs nothing else). */
final class TestJars {
    private TestJars() {
    }

    /** Writes {@code dir/file}: {@code main} and the {@code others} it needs (no other class) with a Main-Class manifest. */
    static Path runnable(Path dir, String file, Class<?> main, Class<?>... others) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, main.getName());
        Path jar = dir.resolve(file);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
            for (Class<?> c : java.util.stream.Stream.concat(java.util.stream.Stream.of(main), java.util.Arrays.stream(others)).toList()) {
                String entry = c.getName().replace('.', '/') + ".class";
                try (InputStream in = c.getClassLoader().getResourceAsStream(entry)) {
                    j.putNextEntry(new JarEntry(entry));
                    in.transferTo(j);
                    j.closeEntry();
                }
            }
        }
        return jar;
    }
}
