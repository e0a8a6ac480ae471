package dev.brigade.compat.cli;

import dev.brigade.compat.cli.CliScenario.Scope;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two quick starters of the framework matrix through the brigade command, in every {@code mvn verify}
 * ({@link Scope#QUICK}; two stacks the library-API tests do not cover: Helidon's virtual-thread
 * server and Undertow's XNIO). {@link FrameworkMatrixTest} runs every framework in full under
 * {@code -Pcompat-full}.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class QuickFrameworksTest {
    @Test
    void helidon_servesFromTwoWorkers_reloadsWithoutAFailedRequest_andSurvivesASigkill() throws Exception {
        CliScenario.run(Framework.HELIDON, Scope.QUICK);
    }

    @Test
    void undertow_servesFromTwoWorkers_reloadsWithoutAFailedRequest_andSurvivesASigkill() throws Exception {
        CliScenario.run(Framework.UNDERTOW, Scope.QUICK);
    }
}
