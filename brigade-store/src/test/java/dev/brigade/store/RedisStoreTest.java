package dev.brigade.store;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The contract against the Redis backend, on a real redis-server started for this class. */
class RedisStoreTest extends SharedStoreContract {
    @RegisterExtension
    static final RedisServerFixture redis = new RedisServerFixture();

    @Override
    protected SharedStore open(StoreOptions options) {
        return SharedStore.redis(redis.url(), options);
    }
}
