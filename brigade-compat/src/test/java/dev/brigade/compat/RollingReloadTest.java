package dev.brigade.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brigade.cluster.Cluster;
import dev.brigade.cluster.ClusterEvent;
import dev.brigade.cluster.ClusterSettings;
import dev.brigade.cluster.WorkerEntry;
import dev.brigade.compat.apps.JettyHello;
import dev.brigade.compat.apps.NettyHello;
import dev.brigade.compat.apps.UndertowHello;
import dev.brigade.testing.HttpLoad;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 13, item 1: a disconnected worker stops taking connections from the shared socket before
 * its app is told anything, so an unmodified server, whose shutdown resets or drops what it had
 * just accepted, loses no request through rolling reloads. Each app is its framework's hello world,
 * with no shutdown hook and nothing Brigade-specific; 2 workers share one port on 127.0.0.1; a
 * client opens a new connection per request throughout 3 rolling reloads (6 replacements).
 * Before the leave sequence existed these lost requests in bursts at each disconnect.
 */
@Timeout(240)
class RollingReloadTest {
    /** The test class path, less target/classes (this module has no main code, so Maven never creates it). */
    private static final String CP = java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
            .filter(e -> java.nio.file.Files.exists(java.nio.file.Path.of(e)))
            .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));

    @ParameterizedTest(name = "{0}")
    @ValueSource(classes = {JettyHello.class, UndertowHello.class, NettyHello.class})
    void threeRollingReloadsUnderLoad_newConnectionPerRequest_failNoRequest(Class<?> app) throws Exception {
        ConcurrentLinkedDeque<String> output = new ConcurrentLinkedDeque<>();
        ClusterSettings settings = ClusterSettings.builder()
                .entry(WorkerEntry.mainClass(app.getName(), CP))
                .instances(2)
                .listen("127.0.0.1", 0)
                .classDataArchive(false)
                .shutdownHook(false)
                .killTimeout(Duration.ofSeconds(10))
                .output(line -> {
                    output.add(line.toString());
                    if (output.size() > 200) {
                        output.pollFirst();
                    }
                })
                .build();
        assertThat(settings.agentJar()).as("the brigade-agent jar, which `mvn package` builds: run these tests with `mvn verify`").isNotNull();
        try (Cluster c = Cluster.create(settings)) {
            List<ClusterEvent.Listening> listening = new CopyOnWriteArrayList<>();
            List<ClusterEvent.Error> errors = new CopyOnWriteArrayList<>();
            c.on(ClusterEvent.Listening.class, listening::add);
            c.on(ClusterEvent.Error.class, errors::add);
            c.fork();
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
                assertThat(errors).as("errors while the workers start; output " + output).isEmpty();
                return listening.size() >= 2;
            });
            HttpLoad load = new HttpLoad("127.0.0.1", c.ports().get(0), "/", 8, false);
            List<Integer> replaced = new ArrayList<>();
            HttpLoad.Result r = load.during(() -> {
                assertThat(load.awaitCompleted(200, Duration.ofSeconds(60))).as("load flowing before the reloads").isTrue();
                for (int i = 0; i < 3; i++) {
                    replaced.add(c.reload().get(120, TimeUnit.SECONDS));
                }
                assertThat(load.awaitCompleted(200, Duration.ofSeconds(60))).as("load flowing after the reloads").isTrue();
            });
            System.out.printf("%s: %d ok, %d failed %s, over %d workers, %.1f s%n", app.getSimpleName(), r.ok(), r.failed(),
                    r.failures(), r.bodies().size(), r.seconds());
            assertThat(replaced).containsExactly(2, 2, 2);
            assertThat(r.failures()).as("failed requests during 3 reloads; worker output " + output).isEmpty();
            assertThat(r.bodies().keySet()).as("served by the first workers and by their replacements").hasSizeGreaterThanOrEqualTo(4);
            assertThat(output).as("no leaving worker failed to stop accepting").noneMatch(l -> l.contains("brigade-agent: WARNING")
                    || l.contains("could not stop accepting"));
        }
    }
}
