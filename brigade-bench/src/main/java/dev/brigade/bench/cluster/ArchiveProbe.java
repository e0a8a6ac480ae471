package dev.brigade.bench.cluster;

import dev.brigade.cluster.Cluster;
import dev.brigade.cluster.ClusterSettings;
import dev.brigade.cluster.ClusterWorker;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * fork → online with the class-data archive. Archives need a class path of jars, so the suite
 * runs this in a JVM whose class directories were packed into jars first ({@link #jarred}).
 * Prints {@code ms X} per start after the training start, {@code pss X} per idle worker started with
 * the archive, and {@code archive ...} (describe()).
 */
public final class ArchiveProbe {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        ClusterSettings s = ClusterProbes.settings(ClusterProbes.classPath()).classDataArchive(true).archiveDir(dir).build();
        try (Cluster c = Cluster.create(s)) {
            ClusterWorker trainer = c.fork(1).get(0);
            trainer.online().get(30, TimeUnit.SECONDS);
            trainer.disconnect().get(60, TimeUnit.SECONDS); // the archive is written as it exits
            System.out.println("archive " + c.describe().replace('\n', ' '));
        }
        for (double ms : ClusterProbes.forkOnline(s, n)) {
            System.out.println("ms " + ms);
        }
        for (double mb : ClusterProbes.idlePssMb(s)) {
            System.out.println("pss " + mb);
        }
    }

    /** The class path with every directory packed into a jar under {@code tmp}. */
    static List<String> jarred(Path tmp) throws IOException {
        List<String> out = new ArrayList<>();
        int i = 0;
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(e);
            if (!Files.isDirectory(p)) {
                out.add(e);
                continue;
            }
            Path jar = tmp.resolve("classes-" + (i++) + ".jar");
            try (JarOutputStream jos = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(p)) {
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                    jos.putNextEntry(new JarEntry(p.relativize(f).toString().replace('\\', '/')));
                    Files.copy(f, jos);
                    jos.closeEntry();
                }
            }
            out.add(jar.toString());
        }
        return out;
    }

    static String[] command(String java, List<String> cp, Path archiveDir, int n) {
        return Stream.concat(Stream.of(java, "--enable-native-access=ALL-UNNAMED", "-cp", String.join(File.pathSeparator, cp),
                ArchiveProbe.class.getName()), Arrays.stream(new String[] {archiveDir.toString(), Integer.toString(n)})).toArray(String[]::new);
    }
}
