package dev.brigade.store;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real {@link RedisServerProcess} for a test class, as a JUnit extension: held in a static
 * {@code @RegisterExtension} field, it starts the server before the class's tests and kills it after.
 */
final class RedisServerFixture implements BeforeAllCallback, AfterAllCallback {
    private RedisServerProcess redis;

    @Override
    public void beforeAll(ExtensionContext context) {
        redis = RedisServerProcess.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (redis != null) {
            redis.close();
        }
    }

    int port() {
        return redis.port();
    }

    /** {@code redis://127.0.0.1:<port>} */
    String url() {
        return redis.url();
    }
}
