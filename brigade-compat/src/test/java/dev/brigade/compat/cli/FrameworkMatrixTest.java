package dev.brigade.compat.cli;

import dev.brigade.compat.cli.CliScenario.Scope;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every framework of the matrix (docs/compat.md) through the brigade command, the whole
 * {@link CliScenario} ({@code -Pcompat-full}, which .ci/run runs; 2 to 3 minutes each on a 2-core machine at load
 * average 20, up to 7 for Spring Boot, whose workers then take 12 to 40 s to start). Keep-alive clients lose no request across reloads only for apps whose graceful
 * shutdown answers them until it stops (Spring Boot): that is asserted; for the others (which reset
 * or close idle keep-alive connections when they stop) the count is printed.
 */
@Tag("slow-start")
@Timeout(value = 900, unit = TimeUnit.SECONDS)
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

    /** Spring Boot 3.5's default graceful shutdown (Tomcat) answers keep-alive requests until it stops: 0 failed asserted. */
    @Test
    void springBoot() throws Exception {
        CliScenario.run(Framework.SPRING_BOOT, Scope.FULL, true);
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
