package dev.brigade.worker.pool;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The default pending queue ({@link TaskQueue#fifo()}): an unbounded lock-free FIFO for many
 * producers and many consumers, the Michael-Scott linked queue that
 * {@link java.util.concurrent.ConcurrentLinkedQueue} also is, with its head and tail each alone
 * on a cache line.
 *
 * <p>Why not ConcurrentLinkedQueue itself: its {@code head} and {@code tail} fields share a line,
 * so in a pool, where the caller offers at the tail while the workers poll the head, every
 * update of one costs the other side a miss. Here they sit in the middle of their own arrays.
 *
 * <p>An offer links its node with a CAS on the last node's {@code next} (that CAS publishes the
 * task, and is the full fence the dispatch protocol needs after an offer); the tail is moved
 * every other offer, as in ConcurrentLinkedQueue.
 * A poll moves the head with a CAS, and links the node it left to itself so a dead node never
 * keeps later ones reachable (as ConcurrentLinkedQueue does); an offer that meets such a node
 * (the tail lagging behind the head) starts again from the head.
 */
final class LinkedTaskQueue {
    private static final VarHandle NEXT;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);
    private static final int AT = 16;                    // 16 references: 64 bytes or more from either end

    static {
        try {
            NEXT = MethodHandles.lookup().findVarHandle(Node.class, "next", Node.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final class Node {
        QueuedTask item;                                  // published by the CAS that links the node
        volatile Node next;

        Node(QueuedTask item) {
            this.item = item;
        }
    }

    private final Object[] head = new Object[2 * AT + 1];
    private final Object[] tail = new Object[2 * AT + 1];

    LinkedTaskQueue() {
        Node dummy = new Node(null);
        SLOT.setVolatile(head, AT, dummy);
        SLOT.setVolatile(tail, AT, dummy);
    }

    private Node head() {
        return (Node) SLOT.getVolatile(head, AT);
    }

    private Node tail() {
        return (Node) SLOT.getVolatile(tail, AT);
    }

    boolean offer(QueuedTask task) {
        Node n = new Node(task);
        for (Node t = tail(), p = t;;) {                  // ConcurrentLinkedQueue's offer: the tail moves every other offer
            Node q = p.next;
            if (q == null) {
                if (NEXT.compareAndSet(p, (Node) null, n)) {
                    if (p != t) {
                        SLOT.compareAndSet(tail, AT, t, n);   // may fail: someone moved it already
                    }
                    return true;
                }
            } else if (q == p) {                          // p was polled: the tail lags behind the head
                p = (t != (t = tail())) ? t : head();
            } else {
                p = (p != t && t != (t = tail())) ? t : q;   // two hops behind: look at the tail again
            }
        }
    }

    QueuedTask poll() {
        for (;;) {
            Node h = head();
            Node first = h.next;
            if (first == null) {
                return null;
            }
            if (first == h) {                             // h was polled meanwhile: read the head again
                continue;
            }
            if (SLOT.compareAndSet(head, AT, h, first)) {
                QueuedTask x = first.item;               // first is the new dummy: only we read its item
                first.item = null;
                NEXT.setRelease(h, h);                    // h is dead: link it to itself
                return x;
            }
        }
    }

    boolean isEmpty() {
        for (;;) {
            Node h = head();
            Node first = h.next;
            if (first != h) {
                return first == null;
            }
        }
    }
}
