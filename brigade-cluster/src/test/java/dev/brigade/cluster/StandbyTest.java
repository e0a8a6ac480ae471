package dev.brigade.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standby worker ({@link ClusterSettings.Builder#standby}): a real worker JVM held before the app's main, which the
 * next spawn takes. It runs the app as the slot it fills (its environment says so, to the app and to the processes the
 * app starts), is nobody's worker before (no event, not in {@code workers()}), is not used once the app's jar changed,
 * and one that dies is replaced without a word to the cluster's listeners.
 */
@Timeout(value = 420, unit = TimeUnit.SECONDS)
class StandbyTest {
    private static final Duration T = Duration.ofSeconds(90);
    private static final Pattern STANDBY = Pattern.compile("standby worker: pid (\\d+) \\(ready[,)]");

    private static ClusterSettings settings(Path jar) {
        return ClusterSettings.builder().entry(ProcessEntry.jar(jar)).instances(1).listen("127.0.0.1", 0).listenTimeout(T)
                .classDataArchive(false).standby(true).shutdownHook(false).output(line -> { }).build();
    }

    @Test
    void a_reload_takes_the_standby_which_runs_the_app_as_the_slot_it_fills(@TempDir Path dir) throws Exception {
        Path jar = AppJars.build("envserver", "EnvServer", Map.of(), dir);
        List<ClusterEvent> events = new CopyOnWriteArrayList<>();
        long standby;
        long firstWorker;
        long next;
        try (Cluster c = Cluster.create(settings(jar))) {
            c.on(events::add);
            c.fork();
            int port = c.ports().get(0);
            String first = await().atMost(T).until(() -> answer(port), a -> a != null);
            assertThat(first).endsWith("instance 0 standby null child-instance 0");
            firstWorker = Long.parseLong(first.split(" ")[1]);
            standby = readyStandby(c);
            assertThat(c.workers()).as("a standby is no worker of the cluster's").hasSize(1)
                    .allSatisfy(w -> assertThat(w.pid()).isNotEqualTo(standby));
            assertThat(events).as("nor does it have events").noneMatch(e -> e.worker().pid() == standby);

            c.reload().get(T.toSeconds(), TimeUnit.SECONDS);
            String after = answer(port);
            assertThat(after).as("the reload's new worker is the standby, run as instance 0 (not the -1 of its spawn)")
                    .isEqualTo("pid " + standby + " instance 0 standby null child-instance 0");
            ClusterWorker taken = c.workers().get(0);
            assertThat(taken.pid()).isEqualTo(standby);
            assertThat(taken.instance()).isZero();
            List<Class<?>> itsEvents = events.stream().filter(e -> e.worker().pid() == standby).<Class<?>>map(Object::getClass).toList();
            assertThat(itsEvents).as("its events start when it takes the slot, in a worker's order (one Fork: none at its spawn)")
                    .startsWith(ClusterEvent.Fork.class, ClusterEvent.Online.class).contains(ClusterEvent.Listening.class)
                    .filteredOn(ClusterEvent.Fork.class::equals).hasSize(1);
            next = await().atMost(T).until(() -> standbyPid(c), p -> p != 0 && p != standby);
        }
        assertThat(List.of(firstWorker, standby, next)).as("no worker nor standby outlives the cluster")
                .noneMatch(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false));
    }

    @Test
    void a_standby_is_not_used_once_the_jar_changed_and_a_dead_one_is_replaced_quietly(@TempDir Path dir) throws Exception {
        Path jar = AppJars.build("envserver", "EnvServer", Map.of(), dir);
        List<ClusterEvent> events = new CopyOnWriteArrayList<>();
        try (Cluster c = Cluster.create(settings(jar))) {
            c.on(events::add);
            c.fork();
            int port = c.ports().get(0);
            await().atMost(T).until(() -> answer(port), a -> a != null);
            long stale = readyStandby(c);
            // a new version: what the standby's JVM was started with (and, with an archive, mapped) is not this jar
            Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 2000));
            c.reload().get(T.toSeconds(), TimeUnit.SECONDS);
            assertThat(answer(port)).doesNotStartWith("pid " + stale + " ");
            await().atMost(T).until(() -> ProcessHandle.of(stale).isEmpty());

            long dead = readyStandby(c);
            ProcessHandle.of(dead).orElseThrow().destroyForcibly();
            await().atMost(T).until(() -> standbyPid(c), p -> p != 0 && p != dead); // replaced
            assertThat(events).as("a standby's end is no event of the cluster's").noneMatch(e -> e.worker().pid() == dead || e.worker().pid() == stale);
            assertThat(c.workers()).hasSize(1);
        }
    }

    @Test
    void the_standby_records_the_archive_so_the_first_start_of_a_version_does_not(@TempDir Path dir) throws Exception {
        Path jar = AppJars.build("envserver", "EnvServer", Map.of(), dir);
        ClusterSettings s = settings(jar).toBuilder().classDataArchive(true).archiveDir(dir.resolve("archives")).build();
        try (Cluster c = Cluster.create(s)) {
            c.fork();
            int port = c.ports().get(0);
            String first = await().atMost(T).until(() -> answer(port), a -> a != null);
            long firstPid = Long.parseLong(first.split(" ")[1]);
            assertThat(args(firstPid)).as("the first start of a version records nothing").noneMatch(StandbyTest::records);
            long recorder = readyStandby(c);
            assertThat(args(recorder)).as("its standby records").anyMatch(StandbyTest::records);
            assertThat(c.describe()).contains("recording the class-data archive");

            c.reload().get(T.toSeconds(), TimeUnit.SECONDS);
            assertThat(answer(port)).as("a reload takes the recording standby").startsWith("pid " + recorder + " ");
            c.reload().get(T.toSeconds(), TimeUnit.SECONDS); // it leaves, writing its recording
            await().atMost(Duration.ofSeconds(180)).until(() -> c.describe().contains("new processes start from it"));
            long fromArchive = await().atMost(T).until(() -> standbyPid(c), p -> p != 0 && args(p).stream().anyMatch(
                    a -> a.startsWith("-XX:AOTCache=") || a.startsWith("-XX:SharedArchiveFile=")));
            c.reload().get(T.toSeconds(), TimeUnit.SECONDS);
            assertThat(answer(port)).as("the next start is the standby that starts from the archive").startsWith("pid " + fromArchive + " ");
        }
    }

    @Test
    void a_recorder_from_a_standby_runs_its_apps_shutdown_hooks_and_is_stopped_before_its_jvm_writes_a_replaced_version(
            @TempDir Path dir) throws Exception {
        Path jar = AppJars.build("hookmark", "HookMark", Map.of(), dir);
        List<String> out = new CopyOnWriteArrayList<>();
        List<ClusterEvent.Exit> exits = new CopyOnWriteArrayList<>();
        ClusterSettings s = settings(jar).toBuilder().classDataArchive(true).archiveDir(dir.resolve("archives"))
                .output(line -> out.add(line.text())).build();
        try (Cluster c = Cluster.create(s)) {
            c.on(e -> {
                if (e instanceof ClusterEvent.Exit x) {
                    exits.add(x);
                }
            });
            c.fork();
            int port = c.ports().get(0);
            await().atMost(T).until(() -> answer(port), a -> a != null);
            long recorder = readyStandby(c);
            assertThat(args(recorder)).as("its standby records").anyMatch(StandbyTest::records);
            c.reload().get(T.toSeconds(), TimeUnit.SECONDS);
            assertThat(answer(port)).as("a reload takes the recording standby").isEqualTo("pid " + recorder);
            // a new version copied in: what it records is of a version that will not run again
            Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 2000));
            c.reload().get(T.toSeconds(), TimeUnit.SECONDS);
            await().atMost(T).until(() -> exits.stream().anyMatch(x -> x.worker().pid() == recorder)
                    && out.contains("shutdown hook of pid " + recorder + " done"));
            ClusterEvent.Exit x = exits.stream().filter(e -> e.worker().pid() == recorder).findFirst().orElseThrow();
            assertThat(x.status().signalName()).as("stopped after its app's shutdown hook ran to its end (above), before its"
                    + " JVM wrote the recording as it exits").isEqualTo(Signal.SIGKILL);
        }
    }

    @Test
    void a_new_version_copied_over_the_jar_gets_a_standby_of_its_own_once_it_can_be_read(@TempDir Path dir) throws Exception {
        Path jar = AppJars.build("envserver", "EnvServer", Map.of(), dir);
        Path copy = Files.copy(jar, dir.resolve("next.jar"));
        ClusterSettings s = settings(jar).toBuilder().classDataArchive(true).archiveDir(dir.resolve("archives")).build();
        try (Cluster c = Cluster.create(s)) {
            c.fork();
            int port = c.ports().get(0);
            await().atMost(T).until(() -> answer(port), a -> a != null);
            long old = readyStandby(c);
            assertThat(args(old)).as("the standby of the running version records its archive").anyMatch(StandbyTest::records);

            // a copy still being written (its central directory not there yet) is not followed: a JVM would fail on it
            Path half = dir.resolve("half.jar");
            byte[] bytes = Files.readAllBytes(jar);
            Files.write(half, java.util.Arrays.copyOf(bytes, bytes.length / 2));
            Files.move(half, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> standbyPid(c) == old);

            Files.setLastModifiedTime(copy, FileTime.fromMillis(Files.getLastModifiedTime(copy).toMillis() + 2000));
            Files.move(copy, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            long next = await().atMost(T).until(() -> standbyPid(c), p -> p != 0 && p != old);
            await().atMost(T).until(() -> ProcessHandle.of(old).isEmpty());
            assertThat(args(next)).as("the new version's standby records nothing: its first start is an ordinary one")
                    .noneMatch(StandbyTest::records).noneMatch(a -> a.startsWith("-XX:AOTCache=")
                            || a.startsWith("-XX:SharedArchiveFile=") && !a.contains("/base-"));

            c.reload().get(T.toSeconds(), TimeUnit.SECONDS);
            assertThat(answer(port)).as("the reload takes it").isEqualTo("pid " + next + " instance 0 standby null child-instance 0");
            long recorder = await().atMost(T).until(() -> standbyPid(c), p -> p != 0 && p != next);
            assertThat(args(recorder)).as("the standby after it records the new version").anyMatch(StandbyTest::records);
        }
    }

    /*
     * A new version restarted at once (before a standby of it exists) starts a new JVM with no archive of the app: it
     * maps the base archive of the JDK and the agent instead, made from the classes the app's first worker listed.
     */
    @Test
    void the_first_start_of_a_new_version_maps_the_base_archive_of_the_jdk_and_agent(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Runtime.version().feature() >= 25, "the base archive is made for JDK 25's AOT caches");
        Path jar = AppJars.build("envserver", "EnvServer", Map.of(), dir);
        Path archives = dir.resolve("archives");
        List<String> output = new CopyOnWriteArrayList<>();
        ClusterSettings s = settings(jar).toBuilder().classDataArchive(true).archiveDir(archives)
                .output(line -> output.add(line.text())).build();
        try (Cluster c = Cluster.create(s)) {
            c.fork();
            int port = c.ports().get(0);
            String first = await().atMost(T).until(() -> answer(port), a -> a != null);
            assertThat(args(Long.parseLong(first.split(" ")[1]))).as("the first worker, with no archive at all, lists its classes")
                    .anyMatch(a -> a.startsWith("-XX:DumpLoadedClassList="));
            long recorder = readyStandby(c);
            c.reload().get(T.toSeconds(), TimeUnit.SECONDS); // takes the recording standby
            c.reload().get(T.toSeconds(), TimeUnit.SECONDS); // which leaves, writing its recording
            await().atMost(Duration.ofSeconds(180)).until(() -> c.describe().contains("new processes start from it"));
            Path base = await().atMost(Duration.ofSeconds(180)).until(() -> baseIn(archives), p -> p != null);
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(base))).isEqualTo("rw-------");
            try (var files = Files.list(archives)) {
                assertThat(files.map(p -> p.getFileName().toString())).as("its class list is gone").noneMatch(n -> n.contains("classlist"));
            }

            Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 2000)); // a new version
            c.reload().get(T.toSeconds(), TimeUnit.SECONDS);
            String next = answer(port);
            long pid = Long.parseLong(next.split(" ")[1]);
            assertThat(pid).isNotEqualTo(recorder);
            assertThat(args(pid)).as("it maps no archive of the app (it has none yet), and records none")
                    .noneMatch(StandbyTest::records).noneMatch(a -> a.startsWith("-XX:AOTCache="))
                    .contains("-XX:SharedArchiveFile=" + base);
            assertThat(Files.readString(Path.of("/proc/" + pid + "/maps"))).as("the JVM mapped it, with the agent's flags")
                    .contains(base.toString());
        }
        assertThat(output).as("nothing of it in the app's output").noneMatch(l -> l.contains("cds") || l.contains("shared archive")
                || l.contains("class list") || l.contains("DumpLoadedClassList"));
    }

    private static Path baseIn(Path archives) throws IOException {
        try (var files = Files.list(archives)) {
            return files.filter(p -> p.getFileName().toString().startsWith("base-") && p.getFileName().toString().endsWith(".jsa"))
                    .findFirst().orElse(null);
        }
    }

    @Test
    void a_new_version_that_cannot_start_costs_no_standby_for_good_and_the_old_worker_keeps_serving(@TempDir Path dir)
            throws Exception {
        Path jar = AppJars.build("envserver", "EnvServer", Map.of(), dir);
        Path good = Files.copy(jar, dir.resolve("good.jar"));
        try (Cluster c = Cluster.create(settings(jar))) {
            c.fork();
            int port = c.ports().get(0);
            String first = await().atMost(T).until(() -> answer(port), a -> a != null);
            long old = readyStandby(c);

            Path broken = dir.resolve("broken.jar"); // a jar, but no Main-Class: no JVM can start it
            try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(broken), new java.util.jar.Manifest())) {
                out.putNextEntry(new java.util.zip.ZipEntry("README"));
                out.write("nothing to run".getBytes(StandardCharsets.US_ASCII));
            }
            Files.setLastModifiedTime(broken, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 2000));
            Files.move(broken, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            // its standby is started, fails, and is only logged: the cluster keeps its standbys
            await().atMost(T).until(() -> c.describe().contains("standby worker: none yet") && ProcessHandle.of(old).isEmpty());
            // and none is tried again for this jar (a failed standby is retried a second later, three times, then off)
            await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10)).until(() -> c.describe().contains("standby worker: none yet"));
            assertThat(answer(port)).as("the running worker serves on").isEqualTo(first);

            Files.setLastModifiedTime(good, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 2000));
            Files.move(good, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            c.reload().get(T.toSeconds(), TimeUnit.SECONDS); // a fresh worker of the fixed version
            assertThat(answer(port)).isNotEqualTo(first).endsWith("instance 0 standby null child-instance 0");
            assertThat(readyStandby(c)).as("once it serves, a standby again").isNotZero();
        }
    }

    /*
     * A worker leaves once, so its leave path (stop accepting: the descriptor and epoll moves) is cold code on a restart's
     * critical path; a standby runs it once while it waits, changing nothing, and then leaves as any worker does.
     */
    @Test
    void a_standby_warms_its_leave_path_while_it_waits_and_later_leaves_cleanly(@TempDir Path dir) throws Exception {
        Path jar = AppJars.build("envserver", "EnvServer", Map.of(), dir);
        ClusterSettings s = settings(jar).toBuilder().jvmOptions("-Xlog:class+load=info:file=" + dir.resolve("classes-%p.log")).build();
        try (Cluster c = Cluster.create(s)) {
            c.fork();
            int port = c.ports().get(0);
            await().atMost(T).until(() -> answer(port), a -> a != null);
            long standby = readyStandby(c);
            Path log = dir.resolve("classes-" + standby + ".log");
            await().atMost(T).untilAsserted(() -> assertThat(Files.readString(log)).as("the JDK internals its leave uses, before any app runs")
                    .contains("dev.brigade.agent.internal.JdkAccess ").contains("sun.nio.ch.InheritedChannel "));
            assertThat(Files.readString(log)).as("nothing of the app").doesNotContain("EnvServer");
            c.reload().get(T.toSeconds(), TimeUnit.SECONDS);
            assertThat(answer(port)).startsWith("pid " + standby + " ");
            c.reload().get(T.toSeconds(), TimeUnit.SECONDS); // it leaves: stops accepting, drains, exits
            assertThat(answer(port)).doesNotStartWith("pid " + standby + " ");
            await().atMost(T).until(() -> ProcessHandle.of(standby).isEmpty());
        }
    }

    /*
     * A worker's leave rewrites the JDK's write paths (Connection: close): with ASM the first time, which then ran beside
     * the new worker's first requests. The rewrite is kept with the bind rewrites, and a later worker of the same kind
     * (here: standbys started from the app's archive) neither starts nor leaves with ASM.
     */
    @Test
    void a_leave_takes_the_write_paths_rewrite_an_earlier_leave_kept(@TempDir Path dir) throws Exception {
        Path jar = AppJars.build("envserver", "EnvServer", Map.of(), dir);
        ClusterSettings s = settings(jar).toBuilder().jvmOptions("-Xlog:class+load=info:file=" + dir.resolve("classes-%p.log"))
                .classDataArchive(true).archiveDir(dir.resolve("archives")).build();
        String asm = "dev.brigade.agent.shaded.asm.ClassReader ";
        try (Cluster c = Cluster.create(s)) {
            c.fork();
            int port = c.ports().get(0);
            long first = Long.parseLong(await().atMost(T).until(() -> answer(port), a -> a != null).split(" ")[1]);
            readyStandby(c);
            c.reload().get(T.toSeconds(), TimeUnit.SECONDS); // takes the recording standby
            c.reload().get(T.toSeconds(), TimeUnit.SECONDS); // which leaves, writing its recording
            await().atMost(Duration.ofSeconds(180)).until(() -> c.describe().contains("new processes start from it"));
            long[] fromArchive = new long[2];
            for (int i = 0; i < 2; i++) {
                long prev = i == 0 ? 0 : fromArchive[0];
                fromArchive[i] = await().atMost(T).until(() -> standbyPid(c), p -> p != 0 && p != prev
                        && args(p).stream().anyMatch(a -> a.startsWith("-XX:AOTCache=") || a.startsWith("-XX:SharedArchiveFile=")));
                c.reload().get(T.toSeconds(), TimeUnit.SECONDS); // takes it (the worker before leaves)
            }
            c.reload().get(T.toSeconds(), TimeUnit.SECONDS); // the second one leaves too
            await().atMost(T).until(() -> ProcessHandle.of(first).isEmpty() && ProcessHandle.of(fromArchive[1]).isEmpty());
            assertThat(Files.readString(dir.resolve("classes-" + first + ".log"))).as("the first worker rewrote with ASM").contains(asm);
            String log = Files.readString(dir.resolve("classes-" + fromArchive[1] + ".log"));
            assertThat(log).as("it left: its write paths were rewritten").contains("sun.nio.ch.SocketChannelImpl source: __VM_RedefineClasses__");
            assertThat(log).as("a later worker from the archive takes every rewrite from the cache: no ASM at its start nor at its leave")
                    .doesNotContain(asm);
        }
    }

    @Test
    void a_standby_does_not_keep_a_cluster_whose_workers_are_done(@TempDir Path dir) throws Exception {
        Path jar = AppJars.build("envserver", "EnvServer", Map.of(), dir);
        try (Cluster c = Cluster.create(settings(jar))) {
            c.fork();
            int port = c.ports().get(0);
            await().atMost(T).until(() -> answer(port), a -> a != null);
            long standby = readyStandby(c);
            get(port, "/exit"); // the worker ends with code 0: done, not restarted
            assertThat(c.awaitTermination(T)).as("the cluster ends: its standby does not hold it").isTrue();
            await().atMost(T).until(() -> ProcessHandle.of(standby).isEmpty());
        }
    }

    private static boolean records(String arg) {
        return arg.startsWith("-XX:AOTMode=record") || arg.startsWith("-XX:ArchiveClassesAtExit");
    }

    private static List<String> args(long pid) {
        return ProcessHandle.of(pid).flatMap(p -> p.info().arguments()).map(List::of).orElse(List.of());
    }

    /** The pid of the cluster's ready standby, once there is one. */
    private static long readyStandby(Cluster c) {
        return await().atMost(T).until(() -> standbyPid(c), p -> p != 0);
    }

    private static long standbyPid(Cluster c) {
        Matcher m = STANDBY.matcher(c.describe());
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** The body of GET / on a new connection, or null when nothing answers. */
    private static String answer(int port) {
        return get(port, "/");
    }

    private static String get(int port, String path) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String r = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int body = r.indexOf("\r\n\r\n");
            return body < 0 ? null : r.substring(body + 4);
        } catch (IOException e) {
            return null;
        }
    }
}
