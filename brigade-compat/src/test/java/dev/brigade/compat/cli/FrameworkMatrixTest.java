package dev.brigade.compat.cli;

import dev.brigade.compat.cli.CliScenario.Scope;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every framework of the matrix (docs/compat.md) through the brigade command, the whole
 * {@link CliScenario} ({@code -Pcompat-full}, which .ci/run runs; about 2 minutes each on a loaded
 * 2-core machine). Keep-alive clients lose no request across reloads only for apps whose graceful
 * shutdown answers {@code Connection: close} before closing: those are asserted; for the others
 * (which reset or close idle keep-alive connections when they stop) the count is printed.
 */
@Tag("slow-start")
@Timeout(value = 400, unit = TimeUnit.SECONDS)
class FrameworkMatrixTest {
    @Test
    void javalin() throws Exception {
        CliScenario.run(Framework.JAVALIN, Scope.FULL, false);
    }

    @Test
    void vertx() throws Exception {
        CliScenario.run(Framework.VERTX, Scope.FULL, false);
    }

    @Test
    void helidon() throws Exception {
        CliScenario.run(Framework.HELIDON, Scope.FULL, false);
    }

    @Test
    void undertow() throws Exception {
        CliScenario.run(Framework.UNDERTOW, Scope.FULL, false);
    }

    @Test
    void springBoot() throws Exception {
        CliScenario.run(Framework.SPRING_BOOT, Scope.FULL, false);
    }

    @Test
    void micronaut() throws Exception {
        CliScenario.run(Framework.MICRONAUT, Scope.FULL, false);
    }

    @Test
    void quarkus() throws Exception {
        CliScenario.run(Framework.QUARKUS, Scope.FULL, false);
    }
}
