package dev.brigade.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker of an explicit entry runs the app as {@code java -jar app.jar} would (issue 13, item 3),
 * on any JDK from 17 (item 4).
 */
class JavaJarWorkerTest {
    private static final Duration T = Duration.ofSeconds(60);
    private static final Path JDK17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java");
    /**
     * Properties a worker may differ in from a plain run: none. {@code -javaagent} sets no property and leaves
     * {@code java.class.path} and {@code sun.java.command} as they are; the worker's cwd is the primary's, as here.
     */
    private static final Set<String> EXPECTED_DIFFERENCES = Set.of();

    @Test
    void a_worker_gets_the_class_path_system_properties_and_manifest_effects_of_a_plain_java_jar(@TempDir Path dir) throws Exception {
        Path jar = AppJars.build("report", "Report", Map.of(
                "Add-Opens", "java.base/java.lang",
                "Add-Exports", "java.base/jdk.internal.misc",
                "Enable-Native-Access", "ALL-UNNAMED",
                "Launcher-Agent-Class", "LauncherAgent"), dir);
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());

        Process plain = new ProcessBuilder(java.toString(), "-jar", jar.toString()).redirectErrorStream(true).start();
        String plainOut = new String(plain.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(plain.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Map<String, String> expected = report(List.of(plainOut.split("\n")));

        List<String> lines = new CopyOnWriteArrayList<>();
        ClusterSettings s = ClusterSettings.builder().entry(ProcessEntry.jar(jar)).java(java).instances(1)
                .classDataArchive(false).shutdownHook(false).killTimeout(Duration.ofSeconds(5))
                .output(line -> lines.add(line.text())).build();
        try (Cluster c = Cluster.create(s)) {
            ClusterWorker w = c.fork().get(0);
            assertThat(w.exit().get(60, TimeUnit.SECONDS)).isEqualTo(ExitStatus.exited(ExitCodes.OK));
        }
        Map<String, String> actual = report(lines);

        assertThat(expected).as("the plain run's report").containsEntry("effect.add-opens", "true")
                .containsEntry("effect.add-exports", "true").containsEntry("effect.launcher-agent", "true")
                .containsEntry("effect.enable-native-access", "true").containsEntry("effect.classpath", jar.toString())
                .containsEntry("effect.brigade-cluster-visible", "false");
        Map<String, String> differences = new TreeMap<>();
        for (String k : union(expected.keySet(), actual.keySet())) {
            if (!String.valueOf(expected.get(k)).equals(String.valueOf(actual.get(k))) && !EXPECTED_DIFFERENCES.contains(k)) {
                differences.put(k, expected.get(k) + " (java -jar) vs " + actual.get(k) + " (worker)");
            }
        }
        assertThat(differences).as("what a worker sees that a plain java -jar does not (worker output: " + lines + ")").isEmpty();
    }

    @Test
    void jdk17_workers_under_this_jdk_serve_one_port_report_listening_and_reload_without_a_failed_request(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(JDK17), "skipped: no JDK 17 at " + JDK17);
        Path jar = AppJars.build("hello17", "Hello", Map.of(), dir);
        List<ClusterEvent> events = new CopyOnWriteArrayList<>();
        ClusterSettings s = ClusterSettings.builder().entry(ProcessEntry.jar(jar)).java(JDK17).instances(2)
                .listen("127.0.0.1", 0).listenTimeout(T).classDataArchive(false).shutdownHook(false)
                .killTimeout(Duration.ofSeconds(5)).output(line -> { }).build();
        try (Cluster c = Cluster.create(s)) {
            c.on(events::add);
            c.fork();
            await().atMost(T).until(() -> events.stream().filter(e -> e instanceof ClusterEvent.Listening).count() >= 2);
            assertThat(events).filteredOn(e -> e instanceof ClusterEvent.Online).hasSize(2);
            int port = c.ports().get(0);
            Set<String> seen = ConcurrentHashMap.newKeySet();
            await().atMost(T).until(() -> {
                seen.add(get(port));
                return seen.size() == 2;
            });
            assertThat(seen).allMatch(b -> b.startsWith("java 17 pid "));

            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong ok = new AtomicLong();
            List<String> failures = new CopyOnWriteArrayList<>();
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                clients.add(Thread.ofPlatform().name("client-" + i).start(() -> {
                    while (running.get()) {
                        try {
                            seen.add(get(port));
                            ok.incrementAndGet();
                        } catch (IOException | RuntimeException e) {
                            failures.add(e.toString());
                        }
                    }
                }));
            }
            int replaced = c.reload().get(120, TimeUnit.SECONDS);
            long before = ok.get();
            await().atMost(T).until(() -> ok.get() > before + 20);
            running.set(false);
            for (Thread t : clients) {
                t.join(TimeUnit.SECONDS.toMillis(30));
            }
            assertThat(replaced).isEqualTo(2);
            assertThat(failures).as("failed requests of " + ok.get() + " during the reload").isEmpty();
            assertThat(seen).as("responses from the old and the new workers").hasSizeGreaterThanOrEqualTo(4)
                    .allMatch(b -> b.startsWith("java 17 pid "));
            assertThat(events).filteredOn(e -> e instanceof ClusterEvent.Listening).hasSizeGreaterThanOrEqualTo(4);
            assertThat(c.describe()).contains("worker JDK: 17");
        }
    }

    @Test
    void a_request_to_an_app_that_knows_nothing_of_brigade_fails_naming_the_missing_handler_once_main_returned(@TempDir Path dir)
            throws Exception {
        Path jar = AppJars.build("hello17", "Hello", Map.of(), dir);
        ClusterSettings s = ClusterSettings.builder().entry(ProcessEntry.jar(jar)).instances(1).listen("127.0.0.1", 0)
                .listenTimeout(T).classDataArchive(false).shutdownHook(false).output(line -> { }).build();
        try (Cluster c = Cluster.create(s)) {
            ClusterWorker w = c.fork().get(0);
            // held while main runs (the app might still register a handler), failed once it returned
            assertThatThrownBy(() -> w.request("ping", T).get(60, TimeUnit.SECONDS))
                    .hasMessageContaining("worker " + w.id() + " has no request handler");
            assertThat(get(c.ports().get(0))).startsWith("java ");
            assertThat(w.state()).isIn(WorkerState.ONLINE, WorkerState.LISTENING);
        }
    }

    /*
     * The agent makes its link to the primary on a thread of its own while the app's main starts: an app that ends at
     * once must still end as a worker its primary knew online (a crash, restarted), never as one that "exited before it
     * came online" (a boot failure, given up), as when the link was made before main.
     */
    @Test
    void an_app_that_exits_at_once_ends_as_an_online_worker_and_is_restarted_not_given_up(@TempDir Path dir) throws Exception {
        Path jar = AppJars.build("quits", "Quits", Map.of(), dir);
        ClusterSettings s = ClusterSettings.builder().entry(ProcessEntry.jar(jar)).instances(1).listen("127.0.0.1", 0)
                .listenTimeout(T).classDataArchive(false).shutdownHook(false).output(line -> { }).build();
        try (Cluster c = Cluster.create(s)) {
            var rec = new Workers.Recorder(c);
            ClusterWorker w = c.fork().get(0);
            assertThat(w.exit().get(60, TimeUnit.SECONDS)).isEqualTo(ExitStatus.exited(3));
            assertThat(rec.of(ClusterEvent.Online.class, w)).as("online before it ended").hasSize(1);
            await().atMost(T).until(() -> rec.of(ClusterEvent.Fork.class).size() >= 2); // restarted as a crash
            assertThat(rec.of(ClusterEvent.Error.class)).extracting(e -> e.error().getMessage())
                    .noneMatch(m -> m.contains("before it came online"));
        }
    }

    @Test
    void a_jar_whose_main_class_the_jvm_cannot_launch_is_a_boot_error_naming_the_missing_class_on_jdk_17_and_this_jdk(@TempDir Path dir)
            throws Exception {
        Path jar = AppJars.build("needs", "Needs", Map.of(), dir, Set.of("Missing.class"));
        List<Path> jdks = new ArrayList<>(List.of(Path.of(ProcessHandle.current().info().command().orElseThrow())));
        if (Files.isExecutable(JDK17)) {
            jdks.add(JDK17);
        }
        for (Path java : jdks) {
            List<String> err = new CopyOnWriteArrayList<>();
            ClusterSettings s = ClusterSettings.builder().entry(ProcessEntry.jar(jar)).java(java).instances(1)
                    .classDataArchive(false).shutdownHook(false).output(line -> err.add(line.text())).build();
            try (Cluster c = Cluster.create(s)) {
                ClusterWorker w = c.fork().get(0);
                assertThat(w.exit().get(60, TimeUnit.SECONDS)).as(java + ": " + err).isEqualTo(ExitStatus.exited(ExitCodes.BOOT_ERROR));
                await().atMost(T).until(() -> w.state() == WorkerState.ERRORED);
                assertThat(err).as(java.toString()).anyMatch(l -> l.startsWith("brigade: cannot start worker: main class Needs needs Missing"));
            }
        }
    }

    /**
     * The agent reads nothing of the entry in its premain (it cost every new worker 8-15 ms): a jar the JVM cannot
     * launch fails in the JVM's launcher, and the shutdown hook turns that into the boot error, naming the cause.
     */
    @Test
    void a_jar_without_main_class_or_whose_main_class_is_missing_is_a_boot_error_saying_so_on_jdk_17_and_this_jdk(@TempDir Path dir)
            throws Exception {
        Path none = dir.resolve("none.jar");
        Path absent = dir.resolve("absent.jar");
        writeJar(none, null);
        writeJar(absent, "no.such.Main");
        List<Path> jdks = new ArrayList<>(List.of(Path.of(ProcessHandle.current().info().command().orElseThrow())));
        if (Files.isExecutable(JDK17)) {
            jdks.add(JDK17);
        }
        for (Path java : jdks) {
            for (Map.Entry<Path, String> c : Map.of(none, "jar " + none + " has no Main-Class in its manifest",
                    absent, "main class no.such.Main not found on the class path " + absent).entrySet()) {
                List<String> err = new CopyOnWriteArrayList<>();
                ClusterSettings s = ClusterSettings.builder().entry(ProcessEntry.jar(c.getKey())).java(java).instances(1)
                        .classDataArchive(false).shutdownHook(false).output(line -> err.add(line.text())).build();
                try (Cluster cluster = Cluster.create(s)) {
                    ClusterWorker w = cluster.fork().get(0);
                    assertThat(w.exit().get(60, TimeUnit.SECONDS)).as(java + ": " + err).isEqualTo(ExitStatus.exited(ExitCodes.BOOT_ERROR));
                    await().atMost(T).until(() -> w.state() == WorkerState.ERRORED);
                    assertThat(err).as(java.toString()).contains("brigade: cannot start worker: " + c.getValue());
                }
            }
        }
    }

    private static void writeJar(Path jar, String mainClass) throws IOException {
        java.util.jar.Manifest m = new java.util.jar.Manifest();
        m.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        if (mainClass != null) {
            m.getMainAttributes().put(java.util.jar.Attributes.Name.MAIN_CLASS, mainClass);
        }
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar), m)) {
            out.putNextEntry(new java.util.zip.ZipEntry("readme.txt"));
            out.write("no classes".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.closeEntry();
        }
    }

    @Test
    void an_app_that_uses_the_worker_api_late_takes_the_agents_connection_over_with_what_arrived_before_in_order(@TempDir Path dir)
            throws Exception {
        Path go = dir.resolve("go");
        ClusterSettings s = Workers.settings().entry(ProcessEntry.mainClass(LateHandlers.class.getName(), Workers.CP))
                .args(go.toString()).build();
        try (Cluster c = Cluster.create(s)) {
            var rec = new Workers.Recorder(c);
            ClusterWorker w = c.fork().get(0);
            await().atMost(T).until(() -> w.state() == WorkerState.ONLINE); // the agent's connection: main is waiting
            w.send("a");
            var answer = w.request("ping", T);
            w.send("b");
            assertThat(answer).as("no handler yet, and main still runs: the request waits").isNotDone();
            Files.createFile(go);
            assertThat(answer.get(60, TimeUnit.SECONDS)).isEqualTo("pong:ping");
            await().atMost(T).until(() -> rec.of(ClusterEvent.Message.class).size() == 2);
            assertThat(rec.of(ClusterEvent.Message.class)).extracting(ClusterEvent.Message::message).containsExactly("echo:a", "echo:b");
            assertThat(w.request("ping", T).get(60, TimeUnit.SECONDS)).isEqualTo("pong:ping");
        }
    }

    /** One request on a new connection: the body of a 200 answer, else an exception. */
    private static String get(int port) throws IOException {
        try (Socket sock = new Socket()) {
            sock.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            sock.setSoTimeout(20_000);
            OutputStream out = sock.getOutputStream();
            out.write("GET / HTTP/1.0\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = sock.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String response = all.toString(StandardCharsets.UTF_8);
            if (!response.startsWith("HTTP/1.1 200")) {
                throw new IOException("not a 200 answer: \"" + response + "\"");
            }
            return response.substring(response.indexOf("\r\n\r\n") + 4);
        }
    }

    private static Map<String, String> report(List<String> lines) {
        Map<String, String> out = new TreeMap<>();
        for (String l : lines) {
            int eq = l.indexOf('=');
            if ((l.startsWith("effect.") || l.startsWith("property.")) && eq > 0) {
                out.put(l.substring(0, eq), l.substring(eq + 1).stripTrailing());
            }
        }
        return out;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new java.util.TreeSet<>(a);
        u.addAll(b);
        return u;
    }
}
