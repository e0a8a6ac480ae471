package dev.brigade.worker.lifetime;

import dev.brigade.worker.Worker;
import dev.brigade.worker.WorkerOptions;
import java.util.concurrent.CountDownLatch;

/**
 * A program whose {@code main} starts a worker and returns at once, as the README's does. The
 * worker waits until the main thread has ended before it posts anything, so every event comes
 * after {@code main} returned. With {@code unref} as argument the worker never ends and is
 * unref'd: the JVM must exit anyway. With {@code reref} it is unref'd then ref'd again: the
 * JVM must wait for it as if nothing happened.
 */
public final class ReturningMain {
    public static void main(String[] args) {
        boolean unref = args.length > 0 && args[0].equals("unref");
        boolean reref = args.length > 0 && args[0].equals("reref");
        Thread main = Thread.currentThread();
        Worker w = Worker.start(ctx -> {
            main.join();                               // main has returned
            if (unref) {
                new CountDownLatch(1).await();         // never ends by itself
            }
            for (int i = 1; i <= 3; i++) {
                ctx.parentPort().postMessage("m" + i);
            }
            ctx.exit(7);
        }, WorkerOptions.builder().name("returning").build());
        w.onMessage(m -> System.out.println(m)).onExit(code -> System.out.println("exit " + code));
        if (unref) {
            w.unref();
        }
        if (reref) {
            w.unref().ref();
        }
        System.out.println("main returns");
    }
}
