package dev.brigade.cluster.internal;

import dev.brigade.cluster.OutputLine;
import java.lang.System.Logger.Level;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Between the pipe pumps and the user's output consumer: a bounded queue drained by one thread.
 * Pumps only {@code offer}: when the consumer is slower than the workers write, lines are
 * dropped and counted (and the count is reported) rather than letting a full pipe block a
 * worker's {@code System.out.println}.
 */
final class OutputSink implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.brigade.cluster");
    private final BlockingQueue<OutputLine> queue;
    private final Consumer<OutputLine> consumer;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong offered = new AtomicLong();
    private long delivered; // guarded by this: lines the consumer has finished with
    private final Thread thread;
    private volatile boolean closed;

    OutputSink(Consumer<OutputLine> consumer, int capacity) {
        this.consumer = consumer;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = Thread.ofPlatform().daemon().name("brigade-cluster-output").start(this::drain);
    }

    void offer(OutputLine line) {
        if (queue.offer(line)) {
            offered.incrementAndGet();
        } else {
            dropped.incrementAndGet();
        }
    }

    /** Lines dropped so far because the consumer could not keep up. */
    long dropped() {
        return dropped.get();
    }

    private void drain() {
        long reported = 0;
        while (!closed || !queue.isEmpty()) {
            try {
                OutputLine line = queue.poll(200, TimeUnit.MILLISECONDS);
                long d = dropped.get();
                if (d > reported) {
                    LOG.log(Level.WARNING, (d - reported) + " lines of worker output dropped: the output consumer is too slow");
                    reported = d;
                }
                if (line != null) {
                    try {
                        consumer.accept(line);
                    } finally {
                        delivered(1);
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "worker output consumer failed", e);
            }
        }
    }

    private synchronized void delivered(long n) {
        delivered += n;
        notifyAll();
    }

    /**
     * Waits until the consumer has had every line offered so far, up to {@code millis}: a worker's
     * last lines then reach the user before its Exit event, and before a primary that has nothing
     * left to run lets its JVM end.
     */
    synchronized void flush(long millis) {
        long target = offered.get();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        try {
            while (delivered < target && thread.isAlive()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        thread.join(2000);
    }
}
