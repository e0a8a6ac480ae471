package dev.brigade.store;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract against the Redis backend, on a real redis-server started for this class. */
class RedisStoreTest extends SharedStoreContract {
    private static RedisServerProcess redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisServerProcess.start();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @Override
    protected SharedStore open(StoreOptions options) {
        return SharedStore.redis(redis.url(), options);
    }
}
