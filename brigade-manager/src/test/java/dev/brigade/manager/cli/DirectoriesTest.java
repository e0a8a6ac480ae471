package dev.brigade.manager.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** --cwd and --cp 'lib/*' as java and PM2 users expect them; the port where frameworks look for it. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DirectoriesTest {
    @RegisterExtension
    final TestHome home = new TestHome();

    @TempDir
    Path dir;

    @Test
    void forkMode_cwd_andThePortInEveryConventionalVariable() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        MainTest.Outcome o = home.brigade("start", "--cwd", work.toString(), "--port", "8123", "--name", "f", "--", "sh", "-c",
                "echo \"port $PORT $SERVER_PORT $QUARKUS_HTTP_PORT $MICRONAUT_SERVER_PORT cwd $(pwd)\"; exec sleep 1000");
        assertThat(o.code()).as(o.toString()).isZero();
        assertThat(home.brigade("logs", "f", "--raw").out()).contains("port 8123 8123 8123 8123 cwd " + work);
    }

    @Test
    void forkMode_aMainClassOnAClassPathWildcard_runsInItsCwd() throws Exception {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        TestJars.runnable(lib, "test-app-1.0.jar", TestApp.class);
        Path work = Files.createDirectories(dir.resolve("work"));
        MainTest.Outcome o = home.brigade("start", "--cwd", work.toString(), "--cp", lib + "/*", TestApp.class.getName(),
                "--name", "wild", "--", "x");
        assertThat(o.code()).as(o.toString()).isZero();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(home.brigade("logs", "wild", "--raw").out())
                .contains("test app instance 0 port null args x", "cwd " + work + " marker false"));
    }

    @Test
    void clusterMode_aClassPathWildcard_andThePortInEveryConventionalVariable() throws Exception {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        TestJars.runnable(lib, "test-app-1.0.jar", TestApp.class);
        Files.writeString(dir.resolve("marker"), "relative paths resolve against the app's directory");
        // TestApp never listens: --no-wait, and its line says what it was given
        MainTest.Outcome o = home.brigade("start", "--no-wait", "--cp", "lib/*", "--port", "0", "--name", "wild",
                TestApp.class.getName(), "--cwd", dir.toString());
        assertThat(o.code()).as(o.toString()).isZero();
        int port = home.ls().get(0).get("ports").get(0).asInt();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(home.brigade("logs", "wild", "--raw").out())
                .contains("test app instance 0 port " + port + " args  | SERVER_PORT " + port + " QUARKUS_HTTP_PORT " + port
                        + " MICRONAUT_SERVER_PORT " + port + " cwd " + dir + " marker true"));
    }

    @Test
    void aClassPathWildcardOnAMissingDirectory_isNamed() {
        MainTest.Outcome o = home.brigade("start", "--cp", dir.resolve("nolib") + "/*", TestApp.class.getName());
        assertThat(o.code()).isEqualTo(Main.FAILED);
        assertThat(o.err()).contains("--cp: " + dir.resolve("nolib") + " is not a directory (in \"" + dir.resolve("nolib") + "/*\")");
    }
}
