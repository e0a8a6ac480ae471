package dev.brigade.store;

import dev.brigade.cluster.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract against the embedded backend as the primary itself uses it (no worker is forked). */
class EmbeddedPrimaryStoreTest extends SharedStoreContract {
    private static Cluster cluster;

    @BeforeAll
    static void startPrimary() {
        cluster = Cluster.create(StoreClusters.settings(0));
    }

    @AfterAll
    static void stopPrimary() {
        cluster.close();
    }

    @Override
    protected SharedStore open(StoreOptions options) {
        return SharedStore.embedded(cluster, options);
    }
}
