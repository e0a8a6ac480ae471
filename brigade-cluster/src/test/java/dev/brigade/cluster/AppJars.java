package dev.brigade.cluster;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Executable jars of test apps, compiled here for release 17 (so that JDK 17 workers run them) from
 * the sources in {@code src/test/apps/NAME/}, with the manifest attributes a test asks for.
 */
final class AppJars {
    private AppJars() {
    }

    /** Compiles {@code src/test/apps/name/*.java} and writes {@code dir/name.jar} with {@code Main-Class: mainClass} and {@code attributes}. */
    static Path build(String name, String mainClass, Map<String, String> attributes, Path dir) throws IOException, InterruptedException {
        return build(name, mainClass, attributes, dir, java.util.Set.of());
    }

    /** The same, leaving the classes named in {@code leaveOut} out of the jar. */
    static Path build(String name, String mainClass, Map<String, String> attributes, Path dir, java.util.Set<String> leaveOut)
            throws IOException, InterruptedException {
        Path src = Path.of("src/test/apps", name).toAbsolutePath();
        Path classes = Files.createDirectories(dir.resolve(name + "-classes"));
        // this JDK's javac as a process: the tests run in the module dev.brigade.cluster, which does not read java.compiler
        Path javac = Path.of(System.getProperty("java.home"), "bin", "javac");
        List<String> args = new ArrayList<>(List.of(javac.toString(), "--release", "17", "-d", classes.toString()));
        try (Stream<Path> files = Files.list(src)) {
            files.filter(p -> p.toString().endsWith(".java")).forEach(p -> args.add(p.toString()));
        }
        Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("cannot compile the test app " + src + ": " + output);
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
        attributes.forEach((k, v) -> manifest.getMainAttributes().putValue(k, v));
        Path jar = dir.resolve(name + ".jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, manifest);
             Stream<Path> all = Files.walk(classes)) {
            for (Path f : all.filter(Files::isRegularFile).filter(f -> !leaveOut.contains(classes.relativize(f).toString())).toList()) {
                j.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                j.write(Files.readAllBytes(f));
                j.closeEntry();
            }
        }
        return jar;
    }
}
