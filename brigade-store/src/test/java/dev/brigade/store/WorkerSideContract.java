package dev.brigade.store;

import dev.brigade.cluster.Cluster;

/**
 * The contract run inside a worker JVM against {@code SharedStore.embedded}: started by
 * {@link StoreTestWorker} through the JUnit launcher, on request of {@code EmbeddedClusterTest}.
 * (Its name keeps Surefire from running it in the test JVM, which is no worker.)
 */
class WorkerSideContract extends SharedStoreContract {
    @Override
    protected SharedStore open(StoreOptions options) {
        return SharedStore.embedded(Cluster.create(), options);
    }
}
