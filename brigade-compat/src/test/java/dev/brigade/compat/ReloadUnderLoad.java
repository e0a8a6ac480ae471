package dev.brigade.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brigade.cluster.Cluster;
import dev.brigade.cluster.ClusterEvent;
import dev.brigade.cluster.ClusterSettings;
import dev.brigade.cluster.ProcessEntry;
import dev.brigade.testing.HttpLoad;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;

/**
 * The scenario of the compatibility tests: an unmodified app in 2 workers sharing one port on
 * 127.0.0.1, a client opening a new connection per request (8 at a time) throughout 3 rolling
 * reloads (6 worker replacements), then the checks: no request failed, old and new workers
 * served, no leaving worker failed to stop accepting.
 */
final class ReloadUnderLoad {
    /** The test class path, less target/classes (this module has no main code, so Maven never creates it). */
    private static final String CP = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(e -> Files.exists(Path.of(e)))
            .collect(Collectors.joining(File.pathSeparator));

    private ReloadUnderLoad() {
    }

    /** What happens to the cluster while the load runs; returns a line for the log. */
    @FunctionalInterface
    interface Change {
        String apply(Cluster cluster) throws Exception;
    }

    /** 3 rolling reloads, each replacing both workers. */
    static final Change THREE_RELOADS = c -> {
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            assertThat(c.reload().get(180, TimeUnit.SECONDS)).as("workers replaced by reload " + (i + 1)).isEqualTo(2);
            millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        }
        return "reloads took " + millis + " ms";
    };

    static void run(Class<?> app, List<String> args) throws Exception {
        run(app, args, THREE_RELOADS, 4);
    }

    /**
     * Runs {@code app} in 2 workers, the load throughout {@code change}, and checks that no request
     * failed and that at least {@code pids} workers answered.
     */
    static void run(Class<?> app, List<String> args, Change change, int pids) throws Exception {
        ConcurrentLinkedDeque<String> output = new ConcurrentLinkedDeque<>();
        ClusterSettings settings = ClusterSettings.builder()
                .entry(ProcessEntry.mainClass(app.getName(), CP))
                .args(args.toArray(String[]::new))
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
            Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> {
                assertThat(errors).as("errors while the workers start; output " + output).isEmpty();
                return listening.size() >= 2;
            });
            HttpLoad load = new HttpLoad("127.0.0.1", c.ports().get(0), "/", 8, false);
            String[] what = new String[1];
            HttpLoad.Result r = load.during(() -> {
                assertThat(load.awaitCompleted(200, Duration.ofSeconds(60))).as("load flowing before the change").isTrue();
                what[0] = change.apply(c);
                assertThat(load.awaitCompleted(200, Duration.ofSeconds(60))).as("load flowing after the change").isTrue();
            });
            System.out.printf("%s: %d ok, %d failed %s, over %d workers, %.1f s (%s)%n", app.getSimpleName(), r.ok(),
                    r.failed(), r.failures(), r.bodies().size(), r.seconds(), what[0]);
            assertThat(r.failures()).as("failed requests; worker output " + output).isEmpty();
            assertThat(r.bodies().keySet()).as("workers that answered").hasSizeGreaterThanOrEqualTo(pids);
            assertThat(output).as("no leaving worker failed to stop accepting").noneMatch(l -> l.contains("brigade-agent: WARNING")
                    || l.contains("could not stop accepting"));
        }
    }
}
