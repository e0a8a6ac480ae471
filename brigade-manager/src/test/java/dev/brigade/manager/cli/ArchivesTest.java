package dev.brigade.manager.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Java app the daemon runs records a class-data archive (a fork-mode app in its first real process, a
 * cluster-mode app in its standby worker) and starts from it next time, with nothing to configure and nothing in the
 * app's log. The JVM's own evidence that it started from the
 * archive: the archive file is mapped into the new process ({@code /proc/PID/maps}).
 */
@Timeout(value = 280, unit = TimeUnit.SECONDS)
class ArchivesTest {
    private static final Duration LONG = Duration.ofSeconds(200);

    @RegisterExtension
    final TestHome home = new TestHome();

    private JsonNode app(String name) {
        for (JsonNode a : home.ls()) {
            if (a.get("name").asText().equals(name)) {
                return a;
            }
        }
        throw new AssertionError("no app " + name);
    }

    private String archive(String name) {
        return app(name).get("archive").asText();
    }

    /** Waits until the app's archive exists; its file. */
    private Path readyArchive(String name) {
        await().atMost(LONG).until(() -> archive(name).contains("new processes start from it") || archive(name).contains("without writing"));
        String d = archive(name);
        assertThat(d).as("the recording, written as its process stopped, not cut off").contains("new processes start from it");
        return Path.of(d.substring(d.lastIndexOf('(') + 1, d.lastIndexOf(')')));
    }

    private long pid(String name, String... states) {
        await().atMost(LONG).until(() -> {
            List<JsonNode> is = home.instances(name);
            return !is.isEmpty() && is.get(0).get("pid").asLong() > 0 && List.of(states).contains(is.get(0).get("status").asText());
        });
        return home.instances(name).get(0).get("pid").asLong();
    }

    private static boolean mapped(long pid, Path archive) throws Exception {
        return Files.readString(Path.of("/proc/" + pid + "/maps")).contains(archive.toString());
    }

    private String log(String name) throws Exception {
        return Files.readString(Path.of(home.instances(name).get(0).get("logFile").asText()));
    }

    private static void nothingOfTheArchiveIn(String log) {
        assertThat(log).doesNotContain("AOT", "CDS", "cds", "Picked up", "AOTConfiguration", "shared archive", "jcmd");
    }

    /** Restarts the app and waits until its new process (not {@code before}) runs; its pid. */
    private long restart(String name, long before, String... states) {
        assertThat(home.brigade("restart", name).code()).isZero();
        await().atMost(LONG).until(() -> {
            List<JsonNode> is = home.instances(name);
            long now = is.isEmpty() ? 0 : is.get(0).get("pid").asLong();
            return now > 0 && now != before && List.of(states).contains(is.get(0).get("status").asText());
        });
        return home.instances(name).get(0).get("pid").asLong();
    }

    @Test
    void aForkModeJar_recordsInItsFirstProcess_theNextStartsFromTheArchive_aNewVersionRecordsAnew(@TempDir Path dir) throws Exception {
        Path jar = TestJars.runnable(dir, "app.jar", TestApp.class);
        // a kill timeout far shorter than writing a recording takes: the recording process is given the time anyway
        MainTest.Outcome o = home.brigade("start", "--name", "forked", "--kill-timeout", "300ms", jar.toString());
        assertThat(o.code()).as(o.toString()).isZero();
        long first = pid("forked", "online");
        assertThat(archive("forked")).startsWith("recording the ");
        long second = restart("forked", first, "online"); // the first process wrote its recording as it stopped
        Path archive = readyArchive("forked");
        assertThat(archive.toString()).startsWith(System.getenv("BRIGADE_CACHE"));
        MainTest.Outcome described = home.brigade("describe", "forked");
        assertThat(described.out()).containsPattern("archive +(AOT cache|AppCDS archive), [0-9.]+ MB: new processes start from it");

        long third = restart("forked", second, "online");
        await().atMost(LONG).until(() -> mapped(third, archive));
        String log = log("forked");
        assertThat(log).contains("test app instance 0");
        nothingOfTheArchiveIn(log);

        TestJars.runnable(dir, "app.jar", TestApp.class, TestJars.class); // a new version of the app
        long fourth = restart("forked", third, "online");
        assertThat(mapped(fourth, archive)).as("an archive of other jars is never given").isFalse();
        long fifth = restart("forked", fourth, "online");
        await().atMost(LONG).until(() -> !archive("forked").contains(archive.toString()) && archive("forked").contains("new processes start from it"));
        Path next = readyArchive("forked");
        assertThat(archive).as("the old version's archive goes once the new one exists").doesNotExist();
        long sixth = restart("forked", fifth, "online");
        await().atMost(LONG).until(() -> mapped(sixth, next));
        nothingOfTheArchiveIn(log("forked"));
    }

    @Test
    void aClusterModeApp_recordsInItsStandbyWorker_andStartsItsWorkersFromTheArchive() throws Exception {
        MainTest.Outcome o = home.brigade("start", "--name", "web", "--port", "0", "--host", "127.0.0.1",
                "--cp", ClusterModeTest.DEMO_CP, ClusterModeTest.DEMO_MAIN);
        assertThat(o.code()).as(o.toString()).isZero();
        assertThat(archive("web")).as("the demo's class path is jars").doesNotContain("off");
        long first = pid("web", "listening");
        assertThat(String.join(" ", ProcessHandle.of(first).orElseThrow().info().arguments().orElseThrow()))
                .as("the first start of a version records nothing: it starts as fast as the JVM's own").doesNotContain("AOTMode=record");
        // the standby started after it records: a reload takes it, the next one makes it leave, writing its recording
        await().atMost(LONG).until(() -> app("web").path("standby").asText().contains("(ready, recording the class-data archive)"));
        long standby = Long.parseLong(app("web").get("standby").asText().replaceAll("pid (\\d+).*", "$1"));
        assertThat(home.brigade("reload", "web").code()).isZero();
        assertThat(pid("web", "listening")).as("the reload took the standby").isEqualTo(standby);
        assertThat(home.brigade("reload", "web").code()).isZero();
        Path archive = readyArchive("web");
        await().atMost(LONG).until(() -> app("web").path("standby").asText().contains("(ready)"));
        assertThat(home.brigade("reload", "web").code()).isZero();
        long worker = pid("web", "listening");
        await().atMost(LONG).until(() -> mapped(worker, archive));
        nothingOfTheArchiveIn(log("web"));
    }

    @Test
    void aSpringBootFatJar_runsFromItsExtractedLayout_andStartsFromItsArchive(@TempDir Path dir) throws Exception {
        Path jar = SpringBootJars.helloSpring(dir, "hello-spring.jar");
        MainTest.Outcome o = home.brigade("start", "--name", "boot", "--min-uptime", "2s", "--jvm-args", "-Xmx160m -XX:TieredStopAtLevel=1",
                jar.toString(), "--", "--server.port=0", "--server.address=127.0.0.1");
        assertThat(o.code()).as(o.toString()).isZero();
        long first = pid("boot", "online");
        await().atMost(LONG).until(() -> log("boot").contains("Started HelloSpring"));
        String cmd = String.join(" ", ProcessHandle.of(first).orElseThrow().info().arguments().orElseThrow());
        assertThat(cmd).as("run from the extracted layout, not the fat jar").contains("/layouts/run-").doesNotContain(jar.toString());
        long second = restart("boot", first, "online"); // the first process wrote its recording as it stopped
        Path archive = readyArchive("boot");
        long third = restart("boot", second, "online");
        await().atMost(LONG).until(() -> mapped(third, archive));
        await().atMost(LONG).until(() -> log("boot").split("Started HelloSpring", -1).length == 4);
        nothingOfTheArchiveIn(log("boot"));
    }

    @Test
    void aSpringBootFatJar_inClusterMode_aNewVersionCopiedIn_isExtractedAndGetsItsStandby_beforeTheReload(@TempDir Path dir)
            throws Exception {
        Path jar = SpringBootJars.helloSpring(dir, "hello-spring.jar", "v1");
        MainTest.Outcome o = home.brigade("start", "--name", "boot", "--port", "0", "--host", "127.0.0.1", "--listen-timeout", "150s",
                "--jvm-args", "-Xmx160m -XX:TieredStopAtLevel=1", jar.toString());
        assertThat(o.code()).as(o.toString()).isZero();
        long first = pid("boot", "listening");
        Path launcher = Path.of(ProcessHandle.of(first).orElseThrow().info().arguments().orElseThrow()[
                List.of(ProcessHandle.of(first).orElseThrow().info().arguments().orElseThrow()).indexOf("-jar") + 1]);
        String v1Layout = layoutOf(launcher);
        await().atMost(LONG).until(() -> app("boot").path("standby").asText().contains("(ready"));
        String oldStandby = app("boot").get("standby").asText().replaceAll("pid (\\d+).*", "$1");

        SpringBootJars.helloSpring(dir, "hello-spring.jar", "v2"); // a deploy: the new version, renamed over the old
        await().atMost(LONG).until(() -> !layoutOf(launcher).equals(v1Layout));
        await().atMost(LONG).until(() -> app("boot").path("standby").asText().matches("pid \\d+ \\(ready.*")
                && !app("boot").get("standby").asText().startsWith("pid " + oldStandby + " "));
        long standby = Long.parseLong(app("boot").get("standby").asText().replaceAll("pid (\\d+).*", "$1"));
        assertThat(String.join(" ", ProcessHandle.of(standby).orElseThrow().info().arguments().orElseThrow()))
                .as("the new version's standby records nothing").doesNotContain("AOTMode=record", "ArchiveClassesAtExit");
        assertThat(ProcessHandle.of(first)).as("the running worker was left alone").map(ProcessHandle::isAlive).contains(true);

        assertThat(home.brigade("reload", "boot").code()).isZero();
        assertThat(pid("boot", "listening")).as("the reload took the new version's standby").isEqualTo(standby);
        await().atMost(LONG).until(() -> log("boot").split("Started HelloSpring", -1).length == 3);
    }

    /** The layout directory a Spring Boot app's launcher jar names. */
    private static String layoutOf(Path launcher) throws java.io.IOException {
        try (java.util.jar.JarFile j = new java.util.jar.JarFile(launcher.toFile())) {
            return j.getManifest().getMainAttributes().getValue("Class-Path").split("/")[0];
        }
    }
}
