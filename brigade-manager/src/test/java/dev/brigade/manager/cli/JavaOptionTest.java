package dev.brigade.manager.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code brigade start --java PATH|VERSION}: the JDK of an app's JVMs, cluster workers included (issue 13, item 4). */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class JavaOptionTest {
    private static final Path JDK17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");
    /** A server that knows nothing of Brigade, compiled here for release 17: answers "java FEATURE". */
    private static final String HELLO = """
            import com.sun.net.httpserver.HttpServer;
            import java.net.InetSocketAddress;
            public class Hello {
                public static void main(String[] args) throws Exception {
                    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1",
                            Integer.parseInt(System.getenv().getOrDefault("PORT", "0"))), 0);
                    byte[] me = ("java " + Runtime.version().feature()).getBytes();
                    s.createContext("/", x -> { x.sendResponseHeaders(200, me.length); x.getResponseBody().write(me); x.close(); });
                    s.start();
                }
            }
            """;

    @RegisterExtension
    final TestHome home = new TestHome();

    @Test
    void an_unknown_version_or_a_path_that_is_no_jdk_is_a_usage_error_naming_the_option_the_value_and_the_jdks_found(@TempDir Path dir)
            throws Exception {
        Path jar = Files.writeString(dir.resolve("app.jar"), "x");
        MainTest.Outcome version = home.brigade("start", "--java", "99", jar.toString());
        assertThat(version.code()).as(version.toString()).isEqualTo(Main.USAGE);
        assertThat(version.err()).contains("--java", "no JDK 99 is installed", "\"99\"", "found: ",
                Runtime.version().feature() + " (");
        MainTest.Outcome path = home.brigade("start", "--java", dir.toString(), jar.toString());
        assertThat(path.code()).as(path.toString()).isEqualTo(Main.USAGE);
        assertThat(path.err()).contains("--java", dir + " is not a JDK", "found: ");
        MainTest.Outcome command = home.brigade("start", "--java", "17", "sleep", "--", "100");
        assertThat(command.code()).as(command.toString()).isEqualTo(Main.USAGE);
        assertThat(command.err()).contains("--java", "only applies to a jar or a main class");
        assertThat(home.ls()).isEmpty();
    }

    @Test
    void java_17_runs_the_cluster_workers_and_a_fork_mode_app_on_jdk_17_and_describe_says_so(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(JDK17.resolve("bin/java")), "skipped: no JDK 17 at " + JDK17);
        Path jar = hello17(dir);
        MainTest.Outcome cluster = home.brigade("start", "--name", "c17", "-i", "2", "--port", "0", "--java", "17", jar.toString());
        assertThat(cluster.code()).as(cluster.toString()).isZero();
        MainTest.Outcome fork = home.brigade("start", "--name", "f17", "--java", JDK17.toString(), jar.toString());
        assertThat(fork.code()).as(fork.toString()).isZero();
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            List<JsonNode> c = home.instances("c17");
            List<JsonNode> f = home.instances("f17");
            return c.size() == 2 && c.stream().allMatch(i -> i.get("status").asText().equals("listening"))
                    && f.size() == 1 && f.get(0).get("status").asText().equals("online");
        });
        int port = portOf("c17");
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.body()).isEqualTo("java 17");
        for (String app : List.of("c17", "f17")) {
            for (JsonNode i : home.instances(app)) {
                Path exe = Path.of("/proc", i.get("pid").asText(), "exe").toRealPath();
                assertThat(exe).as(app + " instance's executable").isEqualTo(JDK17.resolve("bin/java").toRealPath());
            }
            MainTest.Outcome described = home.brigade("describe", app);
            assertThat(described.out()).contains("java          JDK 17 (");
        }
    }

    private int portOf(String app) {
        for (JsonNode a : home.ls()) {
            if (a.get("name").asText().equals(app)) {
                return a.get("ports").get(0).asInt();
            }
        }
        throw new AssertionError("no app " + app + " in " + home.ls());
    }

    /** Hello.java compiled by this JDK's javac for release 17, as an executable jar. */
    private static Path hello17(Path dir) throws Exception {
        Path src = Files.writeString(Files.createDirectories(dir.resolve("src")).resolve("Hello.java"), HELLO);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Process javac = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "javac").toString(), "--release", "17",
                "-d", classes.toString(), src.toString()).redirectErrorStream(true).start();
        String output = new String(javac.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(javac.waitFor()).as(output).isZero();
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "Hello");
        Path jar = dir.resolve("hello17.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
            j.putNextEntry(new JarEntry("Hello.class"));
            j.write(Files.readAllBytes(classes.resolve("Hello.class")));
            j.closeEntry();
        }
        return jar;
    }
}
