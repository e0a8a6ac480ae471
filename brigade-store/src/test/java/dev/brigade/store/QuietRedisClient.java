package dev.brigade.store;

import java.util.Optional;

/** A user's program: one Redis round trip through the store (QuietJvmTest reads its stderr). */
public final class QuietRedisClient {
    private QuietRedisClient() {
    }

    public static void main(String[] args) throws Exception {
        try (SharedStore store = SharedStore.redis(args[0])) {
            store.put("quiet", "yes").join();
            Optional<String> v = store.get("quiet", String.class).join();
            System.out.println("got " + v.orElse("nothing"));
        }
    }
}
