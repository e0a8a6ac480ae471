package dev.brigade.worker.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brigade.worker.MessageChannel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Background async work between tasks (a Piscina complaint): events a task set up on its
 * worker's event loop (a port listener) run while the worker is idle and between tasks, not
 * only when the worker retires.
 */
@Timeout(20)
class BackgroundEventsTest {
    @Test
    void aPortListenerSetUpByATask_runsWhileTheWorkerIsIdle_beforeTheNextTask() throws Exception {
        MessageChannel ch = new MessageChannel();
        List<String> events = new CopyOnWriteArrayList<>();
        CompletableFuture<String> heard = new CompletableFuture<>();
        TaskHandler<String, String> handler = task -> {
            if (task.equals("listen")) {
                ch.port2().onMessage(m -> {
                    events.add("message " + m);
                    heard.complete(Thread.currentThread().getName());
                });
                return "listening";
            }
            events.add("task " + task);
            return task;
        };
        try (WorkerPool pool = WorkerPool.create(PoolOptions.builder(handler).threads(1).build())) {
            assertThat(pool.run("listen").get(5, TimeUnit.SECONDS)).isEqualTo("listening");
            ch.port1().postMessage("ping");           // the worker is idle: no task will come to wake it
            assertThat(heard.get(5, TimeUnit.SECONDS)).isEqualTo("pool-1");   // on the worker's own thread
            assertThat(pool.run("next").get(5, TimeUnit.SECONDS)).isEqualTo("next");
            assertThat(events).containsExactly("message ping", "task next");
        } finally {
            ch.port1().close();
        }
    }

    @Test
    void aMessageThatArrivesDuringATask_isHandledBeforeTheNextQueuedTask() throws Exception {
        MessageChannel ch = new MessageChannel();
        List<String> events = new CopyOnWriteArrayList<>();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        TaskHandler<String, String> handler = task -> {
            switch (task) {
                case "listen" -> ch.port2().onMessage(m -> events.add("message " + m));
                case "block" -> {
                    started.countDown();
                    release.await();
                }
                default -> { }
            }
            events.add("task " + task);
            return task;
        };
        try (WorkerPool pool = WorkerPool.create(PoolOptions.builder(handler).threads(1).build())) {
            pool.run("listen").get(5, TimeUnit.SECONDS);
            CompletableFuture<Object> block = pool.run("block");
            started.await();
            CompletableFuture<Object> next = pool.run("next");   // queued behind "block"
            ch.port1().postMessage("ping");                     // arrives while "block" runs
            release.countDown();
            next.get(5, TimeUnit.SECONDS);
            block.get(5, TimeUnit.SECONDS);
            assertThat(events).containsExactly("task listen", "task block", "message ping", "task next");
        } finally {
            ch.port1().close();
        }
    }
}
