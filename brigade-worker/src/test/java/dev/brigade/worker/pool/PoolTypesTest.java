package dev.brigade.worker.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pool's task and result types are checked by the compiler: user code that gets them wrong
 * does not compile. Each case is compiled by the JDK's javac against this module's classes, next to a
 * control that must compile (so a broken class path cannot pass for a type error).
 */
class PoolTypesTest {
    @TempDir
    Path out;

    private static final String HEADER = """
            import dev.brigade.worker.pool.*;
            import java.util.concurrent.CompletableFuture;
            class User {
                void use() {
                    WorkerPool<String, String> pool = WorkerPool.create(PoolOptions.builder((String s) -> s.toUpperCase()).build());
            """;

    /** Compiles the body inside a method that has {@code pool}; returns javac's errors, empty if it compiled. */
    private String compile(String body) throws Exception {
        Path src = Files.createDirectories(out.resolve("src")).resolve("User.java");
        Files.writeString(src, HEADER + body + "\n    }\n}\n");
        String modulePath = System.getProperty("jdk.module.path", "");
        String cp = modulePath.isEmpty() ? System.getProperty("java.class.path")
                : modulePath + File.pathSeparator + System.getProperty("java.class.path");
        Process javac = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "javac").toString(),
                "-proc:none", "-cp", cp, "-d", out.resolve("classes").toString(), src.toString())
                .redirectErrorStream(true).start();
        javac.getOutputStream().close();
        String output = new String(javac.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(javac.waitFor(120, TimeUnit.SECONDS)).as("javac ended").isTrue();
        return javac.exitValue() == 0 ? "" : output;
    }

    @Test
    void theRightTypes_compile() throws Exception {
        assertThat(compile("""
                CompletableFuture<String> x = pool.run("abc");
                CompletableFuture<String> y = pool.run("abc", RunOptions.named("f"));
                """)).isEmpty();
    }

    @Test
    void aFutureOfTheWrongResultType_doesNotCompile() throws Exception {
        assertThat(compile("CompletableFuture<Integer> x = pool.run(\"abc\");")).contains("incompatible types");
    }

    @Test
    void aTaskOfTheWrongType_doesNotCompile() throws Exception {
        assertThat(compile("pool.run(42);")).contains("incompatible types");
    }

    @Test
    void aLambdaHandlersParameter_hasTheTaskType() throws Exception {
        assertThat(compile("""
                WorkerPool<Integer, Integer> squares = WorkerPool.create(PoolOptions.builder((Integer n) -> n * n).build());
                WorkerPool<String, Integer> wrong = WorkerPool.create(PoolOptions.builder((Integer n) -> n * n).build());
                """)).contains("incompatible types").contains("wrong");
    }
}
