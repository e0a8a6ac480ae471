package dev.brigade.store;

import dev.brigade.cluster.ClusterSettings;
import dev.brigade.cluster.RestartPolicy;
import dev.brigade.cluster.ProcessEntry;
import java.time.Duration;

/** Test fixtures: clusters of {@link StoreTestWorker}s on this test class path. */
final class StoreClusters {
    static final String CP = System.getProperty("java.class.path");

    private StoreClusters() {
    }

    static ClusterSettings settings(int workers) {
        return ClusterSettings.builder()
                .entry(ProcessEntry.mainClass(StoreTestWorker.class.getName(), CP))
                .profile(dev.brigade.cluster.StartupProfile.SMALL)
                .instances(workers)
                .restart(RestartPolicy.never())
                .classDataArchive(false)
                .shutdownHook(false)
                .killTimeout(Duration.ofSeconds(3))
                .output(line -> {
                    if (line.stderr()) {
                        System.err.println(line);
                    }
                })
                .build();
    }
}
