package dev.brigade.examples.snippets;

// README:begin
import dev.brigade.worker.pool.PoolOptions;
import dev.brigade.worker.pool.RunOptions;
import dev.brigade.worker.pool.TaskFunction;
import dev.brigade.worker.pool.TaskHandler;
import dev.brigade.worker.pool.WorkerPool;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

public final class PoolSnippet {
    /** Created once per worker thread, so its MessageDigests are never shared between threads. */
    public static final class Digests implements TaskHandler<String, String> {
        private final MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        private final MessageDigest md5 = MessageDigest.getInstance("MD5");

        public Digests() throws NoSuchAlgorithmException {
        }

        @Override
        public String run(String text) {                                   // pool.run(text)
            return hex(sha256, text);
        }

        @Override
        public Map<String, TaskFunction<String, String>> functions() {     // pool.run(text, RunOptions.named("md5"))
            return Map.of("md5", text -> hex(md5, text));
        }

        private static String hex(MessageDigest digest, String text) {
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        }
    }

    public static void main(String[] args) {
        try (WorkerPool<String, String> pool = WorkerPool.create(PoolOptions.builder(Digests.class).maxThreads(4).build())) {
            CompletableFuture<String> sha = pool.run("secret");
            CompletableFuture<String> md5 = pool.run("secret", RunOptions.named("md5"));
            CompletableFuture<String> bounded = pool.run("hello", RunOptions.builder().timeout(Duration.ofSeconds(2)).build());
            System.out.println("sha256 " + sha.join());
            System.out.println("md5    " + md5.join());
            System.out.println("hello  " + bounded.join());
            System.out.println("completed " + pool.stats().completed());
        }   // close(): lets queued and running tasks finish, then stops the workers
    }
}
// README:end
