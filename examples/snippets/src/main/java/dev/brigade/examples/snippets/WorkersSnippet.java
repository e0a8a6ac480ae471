package dev.brigade.examples.snippets;

// README:begin
import dev.brigade.worker.Worker;
import dev.brigade.worker.WorkerContext;
import dev.brigade.worker.WorkerEntry;
import dev.brigade.worker.WorkerOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

public final class WorkersSnippet {
    /** The worker's code: runs on the worker's own thread, one instance per worker. */
    public static final class Hasher implements WorkerEntry {
        @Override
        public void run(WorkerContext ctx) throws Exception {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            ctx.parentPort().onMessage(text -> {
                byte[] digest = sha.digest(((String) text).getBytes(StandardCharsets.UTF_8));
                ctx.parentPort().postMessage(HexFormat.of().formatHex(digest));
                ctx.parentPort().close();         // nothing keeps the worker alive now: it exits with 0
            });
        }
    }

    public static void main(String[] args) {
        Worker w = Worker.start(Hasher.class, WorkerOptions.builder().name("hasher").build());
        w.onMessage(digest -> System.out.println("sha256 " + digest))   // runs on Brigade's main event loop
         .onError(Throwable::printStackTrace)
         .onExit(code -> System.out.println("exit " + code));
        w.postMessage("secret");
    }   // main returns; as in Node, the JVM stays up until the worker's messages and exit are delivered
}
// README:end
