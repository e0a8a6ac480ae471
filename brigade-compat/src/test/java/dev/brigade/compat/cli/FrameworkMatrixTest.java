package dev.brigade.compat.cli;

import dev.brigade.compat.cli.CliScenario.Scope;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every framework of the matrix (docs/compat.md) through the brigade command, the whole
 * {@link CliScenario} ({@code -Pcompat-full}, which .ci/run runs): both workers serve, 3 reloads under
 * clients that open a new connection per request and clients that keep theirs, both with 0 failed
 * requests (keep-alive: where reached, {@link Framework#keepAliveZero}), and a SIGKILL that loses at most the killed worker's in-flight requests. The frameworks are
 * those the build packaged ({@code compat.apps}: every one under {@code -Pcompat-full}; e.g.
 * {@code -Dcompat.apps=javalin,quarkus} builds and runs two).
 */
@Tag("slow-start")
class FrameworkMatrixTest {
    static Stream<Framework> built() {
        List<String> apps = Arrays.asList(System.getProperty("compat.apps", "").split(","));
        return Arrays.stream(Framework.values()).filter(f -> apps.contains(f.id));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("built")
    @Timeout(value = 900, unit = TimeUnit.SECONDS)
    void frameworkThroughTheBrigadeCommand(Framework fw) throws Exception {
        CliScenario.run(fw, Scope.FULL);
    }
}
