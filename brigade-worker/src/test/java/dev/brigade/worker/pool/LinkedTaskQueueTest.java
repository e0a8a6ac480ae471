package dev.brigade.worker.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The default pending queue: FIFO, every task out exactly once, under many producers and consumers. */
@Timeout(60)
class LinkedTaskQueueTest {
    private record Item(int producer, int seq) implements QueuedTask {
        @Override public Object task() { return seq; }
        @Override public String name() { return null; }
        @Override public boolean isWithdrawn() { return false; }
    }

    @Test
    void fifo_andEmpty() {
        LinkedTaskQueue q = new LinkedTaskQueue();
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.poll()).isNull();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 100; i++) {
                assertThat(q.offer(new Item(0, i))).isTrue();
            }
            assertThat(q.isEmpty()).isFalse();
            for (int i = 0; i < 100; i++) {
                assertThat(((Item) q.poll()).seq()).isEqualTo(i);
            }
            assertThat(q.isEmpty()).isTrue();
            assertThat(q.poll()).isNull();
        }
    }

    @Test
    void manyProducersAndConsumers_eachItemOnce_inEachProducersOrder() throws Exception {
        LinkedTaskQueue q = new LinkedTaskQueue();
        int producers = 3;
        int consumers = 3;
        int perProducer = 300_000;
        AtomicIntegerArray seen = new AtomicIntegerArray(producers * perProducer);
        AtomicLong taken = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int p = 0; p < producers; p++) {
            int id = p;
            threads.add(new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < perProducer; i++) {
                        q.offer(new Item(id, i));
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }));
        }
        for (int c = 0; c < consumers; c++) {
            threads.add(new Thread(() -> {
                int[] last = new int[producers];
                java.util.Arrays.fill(last, -1);
                try {
                    start.await();
                    while (taken.get() < (long) producers * perProducer) {
                        Item it = (Item) q.poll();
                        if (it == null) {
                            Thread.onSpinWait();
                            continue;
                        }
                        taken.incrementAndGet();
                        if (it.seq() <= last[it.producer()]) {   // one consumer sees a producer's items in order
                            throw new AssertionError("out of order: " + it + " after " + last[it.producer()]);
                        }
                        last[it.producer()] = it.seq();
                        if (seen.getAndIncrement(it.producer() * perProducer + it.seq()) != 0) {
                            throw new AssertionError("taken twice: " + it);
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                    taken.set(Long.MAX_VALUE);
                }
            }));
        }
        threads.forEach(Thread::start);
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(errors).isEmpty();
        assertThat(taken.get()).isEqualTo((long) producers * perProducer);
        for (int i = 0; i < seen.length(); i++) {
            assertThat(seen.get(i)).isEqualTo(1);
        }
        assertThat(q.isEmpty()).isTrue();
    }
}
