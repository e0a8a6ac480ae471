package dev.brigade.cluster;

import dev.brigade.cluster.internal.TestWorker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test fixtures: settings for clusters of {@link TestWorker}s, and an event recorder. */
final class Workers {
    static final String CP = System.getProperty("java.class.path");

    private Workers() {
    }

    static ClusterSettings.Builder settings() {
        return ClusterSettings.builder()
                .entry(ProcessEntry.mainClass(TestWorker.class.getName(), CP))
                .profile(StartupProfile.SMALL)
                .instances(1)
                .classDataArchive(false)
                .shutdownHook(false)
                .killTimeout(Duration.ofSeconds(3))
                .output(line -> { });
    }

    /** Records every event of a cluster, for assertions with Awaitility. */
    static final class Recorder {
        final List<ClusterEvent> events = new CopyOnWriteArrayList<>();

        Recorder(Cluster c) {
            c.on(events::add);
        }

        <E extends ClusterEvent> List<E> of(Class<E> type) {
            return events.stream().filter(type::isInstance).map(type::cast).toList();
        }

        <E extends ClusterEvent> List<E> of(Class<E> type, ClusterWorker w) {
            return of(type).stream().filter(e -> e.worker() == w).toList();
        }
    }
}
