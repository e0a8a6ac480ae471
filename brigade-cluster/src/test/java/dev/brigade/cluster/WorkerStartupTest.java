package dev.brigade.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brigade.cluster.internal.TestWorker;
import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a worker JVM loads as it starts and answers a request. Each class costs start-up time and
 * memory in every worker; these ones were measured to cost most (see StartupProfile.SMALL).
 */
class WorkerStartupTest {
    @Test
    void a_worker_spins_no_lambda_of_ours_from_start_to_disconnect_and_starts_neither_bigdecimal_nor_java_util_logging() throws Exception {
        List<String> loaded = new CopyOnWriteArrayList<>();
        ClusterSettings s = Workers.settings().jvmOptions("-Xlog:class+load=info:stdout")
                .output(line -> loaded.add(line.text())).build();
        try (Cluster c = Cluster.create(s)) {
            ClusterWorker w = c.fork().get(0);
            assertThat(w.request("ping", Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS)).isEqualTo("pong");
            w.disconnect().get(30, TimeUnit.SECONDS); // its output is complete once it exited
        }
        assertThat(loaded).as("class loading was logged").anyMatch(l -> l.contains("dev.brigade.cluster.internal.WorkerRuntime "));
        assertThat(loaded).as("lambda classes of the worker's start-up path (each is generated at run time)")
                .noneMatch(l -> l.contains("dev.brigade.cluster.") && l.contains("$$Lambda") && !l.contains("TestWorker$$Lambda"));
        assertThat(loaded).as("BigDecimal: its class initialisation allocates MBs (Duration.multipliedBy uses it)")
                .noneMatch(l -> l.contains(" java.math.BigDecimal "));
        assertThat(loaded).as("java.util.logging: started by the first System.getLogger")
                .noneMatch(l -> l.contains(" java.util.logging.LogManager "));
        assertThat(loaded).as("ProcessHandle: its set-up starts a reaper thread pool and spins a lambda")
                .noneMatch(l -> l.contains(" java.lang.ProcessHandleImpl "));
    }

    /**
     * The class loader keeps every jar it opened, central directory included, for the life of the
     * process. A worker opens the jars its classes come from and no other: not, for instance, every
     * jar of the class path in search of a NIO selector provider service (StartupProfile.SMALL).
     */
    @Test
    void a_worker_opens_no_jar_it_loads_nothing_from(@TempDir Path dir) throws Exception {
        Path unused = dir.resolve("unused.jar");
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(unused))) {
            jar.putNextEntry(new JarEntry("unused.txt"));
            jar.write('x');
            jar.closeEntry();
        }
        ClusterSettings s = Workers.settings()
                .entry(ProcessEntry.mainClass(TestWorker.class.getName(), Workers.CP + File.pathSeparator + unused)).build();
        try (Cluster c = Cluster.create(s)) {
            ClusterWorker w = c.fork().get(0);
            assertThat(w.request("ping", Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS)).isEqualTo("pong");
            List<String> open = new ArrayList<>();
            try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(w.pid()), "fd"))) {
                for (Path fd : fds) {
                    try {
                        open.add(Files.readSymbolicLink(fd).toString());
                    } catch (IOException gone) {
                        // closed while listed
                    }
                }
            }
            assertThat(open).as("the worker's open files").anyMatch(f -> f.endsWith("/lib/modules")) // the JDK's classes
                    .noneMatch(f -> f.equals(unused.toString()));
        }
    }
}
