package dev.brigade.worker.pool;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.IntFunction;
import org.jctools.queues.atomic.MpmcAtomicArrayQueue;

/**
 * Where tasks wait when every worker is busy: Piscina's pluggable task queue.
 *
 * <p>Implementations must be safe for many producers and many consumers, and must not block.
 * The pool keeps the depth itself (for {@code maxQueue}, {@code needsDrain} and the figures),
 * so a queue needs no exact size. Two are built in:
 * <ul>
 *   <li>{@link #fifo()} (the default): unbounded, lock-free, first in first out;</li>
 *   <li>{@link #fixed()}: a preallocated lock-free ring (jctools' MPMC array queue) sized from
 *       {@code maxQueue}; no allocation per task, and the fastest when the limit is known.</li>
 * </ul>
 * Select one with {@link PoolOptions.Builder#taskQueue(IntFunction)}; the function receives
 * the resolved {@code maxQueue}.
 */
public interface TaskQueue {
    /**
     * Adds a task at the tail; false if there is no room (the pool then rejects the task).
     *
     * @param task the task to add
     * @return false if there is no room (the pool then rejects the task)
     */
    boolean offer(QueuedTask task);

    /**
     * Removes and returns the head, or null if empty.
     *
     * @return the head, or null if empty
     */
    QueuedTask poll();

    /**
     * True if nothing is queued (cancelled entries may still count as something).
     *
     * @return true if nothing is queued (cancelled entries may still count as something)
     */
    boolean isEmpty();

    /**
     * The default queue: unbounded, FIFO, lock-free (a linked queue like {@link ConcurrentLinkedQueue},
     * with its head and tail on separate cache lines).
     *
     * @return a factory of unbounded FIFO queues
     */
    static IntFunction<TaskQueue> fifo() {
        return maxQueue -> new Fifo();
    }

    /**
     * A preallocated ring sized for {@code maxQueue} (which must then be at most 2^24); room is
     * left for entries that were cancelled but not yet dropped.
     *
     * @return a factory of fixed rings
     */
    static IntFunction<TaskQueue> fixed() {
        return maxQueue -> new Fixed(maxQueue);
    }

    /** The FIFO queue. */
    final class Fifo implements TaskQueue {
        private final LinkedTaskQueue q = new LinkedTaskQueue();

        /** An empty queue. */
        public Fifo() {
        }

        @Override public boolean offer(QueuedTask task) { return q.offer(task); }
        @Override public QueuedTask poll() { return q.poll(); }
        @Override public boolean isEmpty() { return q.isEmpty(); }
    }

    /** The fixed-capacity ring. */
    final class Fixed implements TaskQueue {
        /** The largest maxQueue a fixed queue accepts. */
        public static final int MAX = 1 << 24;
        private final MpmcAtomicArrayQueue<QueuedTask> q;

        Fixed(int maxQueue) {
            if (maxQueue > MAX) {
                throw new IllegalArgumentException("a fixed task queue needs maxQueue <= " + MAX + ", got " + maxQueue);
            }
            q = new MpmcAtomicArrayQueue<>(Math.max(16, 2 * maxQueue + 64));
        }

        @Override public boolean offer(QueuedTask task) { return q.offer(task); }
        @Override public QueuedTask poll() { return q.poll(); }
        @Override public boolean isEmpty() { return q.isEmpty(); }
    }
}
