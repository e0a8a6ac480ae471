package dev.brigade.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A program that uses the Redis store prints no JVM warning it did not cause: on JDK 24+ Netty's
 * first use of sun.misc.Unsafe prints four (the build's JDK is 25, so this runs there).
 */
class QuietJvmTest {
    @RegisterExtension
    static final RedisServerFixture redis = new RedisServerFixture();

    @Test
    void aRedisStoreProgramPrintsNoJvmWarning() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), QuietRedisClient.class.getName(),
                "redis://127.0.0.1:" + redis.port()).start();
        p.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("the client ends").isTrue();
        String stderr = err.get(10, TimeUnit.SECONDS);
        assertThat(out.get(10, TimeUnit.SECONDS)).as("stderr:\n" + stderr).contains("got yes");
        assertThat(stderr).doesNotContain("WARNING");
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
