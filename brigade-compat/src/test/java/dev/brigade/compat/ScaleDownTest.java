package dev.brigade.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brigade.cluster.WorkerState;
import dev.brigade.compat.apps.JettyHello;
import dev.brigade.compat.apps.NettyHello;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Scaling down is a leave like a reload's: the worker taken away stops accepting before its
 * unmodified app is stopped, so new connections go to the one that stays and none fails.
 */
@Timeout(180)
class ScaleDownTest {
    @ParameterizedTest(name = "{0}")
    @ValueSource(classes = {JettyHello.class, NettyHello.class})
    void scaleFromTwoToOneUnderLoad_newConnectionPerRequest_failsNoRequest(Class<?> app) throws Exception {
        ReloadUnderLoad.run(app, List.of(), c -> {
            c.scale(1);
            assertThat(c.workers()).filteredOn(w -> !w.state().isTerminal()).hasSize(1)
                    .allMatch(w -> w.state() == WorkerState.LISTENING);
            return "scaled to 1";
        }, 2);
    }
}
