package dev.brigade.store;

/** The contract against the in-process backend. */
class InProcessStoreTest extends SharedStoreContract {
    @Override
    protected SharedStore open(StoreOptions options) {
        return SharedStore.inProcess(options);
    }
}
