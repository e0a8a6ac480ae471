package dev.brigade.worker;

import dev.brigade.worker.internal.DetachedBuffers;
import dev.brigade.worker.internal.GraphRewriter;
import dev.brigade.worker.internal.GraphScan;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * What happens to a value when it is posted: Brigade's answer to Node's structured clone.
 *
 * <ul>
 *   <li>Objects are passed <b>by reference</b>: the receiver sees the very object that was
 *       posted. Ownership passes with the message; the sender must not mutate it afterwards.
 *       Immutable values (strings, boxed numbers, records of them, {@code List.of}) are always safe.</li>
 *   <li>A {@link ByteBuffer} listed in the transfer list is <b>moved</b>: the receiver gets a
 *       fresh view of the same memory (same position, limit and byte order) wherever the buffer
 *       appears in the message (through records, lists, maps and arrays); the sender's buffer is
 *       detached: its limit becomes 0, so reading it fails, and posting it again is
 *       {@link ErrorCode#ERR_BUFFER_DETACHED}.</li>
 *   <li>A ByteBuffer posted as the message itself without being transferred is <b>copied</b>,
 *       so a buffer is never silently shared between threads.</li>
 *   <li>A {@link MessagePort} must be listed to be sent, wherever it sits in the message
 *       (records, collections, maps, arrays): otherwise the post fails with
 *       {@link ErrorCode#ERR_PORT_NOT_TRANSFERRED}, Node's
 *       {@code ERR_MISSING_TRANSFERABLE_IN_TRANSFER_LIST}. The same port object moves, its
 *       listener is removed, and messages queued on it follow it to the new owner.</li>
 *   <li>A {@link SharedBuffer} is always <b>shared</b>; it must not be listed.</li>
 * </ul>
 * Validation happens before anything is changed: a post that fails leaves every buffer and port
 * as it was.
 */
final class Transfer {
    private Transfer() {
    }

    static Object prepare(Object value, List<?> transferList, MessagePort source) {
        if (transferList == null || transferList.isEmpty()) {
            return prepareWithoutTransfer(value);
        }
        List<ByteBuffer> buffers = new ArrayList<>();
        List<MessagePort> ports = new ArrayList<>();
        classify(transferList, source, buffers, ports);
        checkPorts(value, ports);
        if (value instanceof ByteBuffer b && buffers.stream().noneMatch(x -> x == b)) {
            value = prepareWithoutTransfer(b);
        }
        Object out = value;
        if (!buffers.isEmpty()) {
            out = moveBuffers(value, buffers);
        }
        for (MessagePort p : ports) {
            p.releaseForTransfer();
        }
        return out;
    }

    private static Object prepareWithoutTransfer(Object value) {
        if (value instanceof ByteBuffer b) {
            if (DetachedBuffers.contains(b)) {
                throw detached("the message");
            }
            ByteBuffer copy = b.isDirect() ? ByteBuffer.allocateDirect(b.remaining()) : ByteBuffer.allocate(b.remaining());
            copy.put(b.duplicate()).flip();
            return copy.order(b.order());
        }
        checkPorts(value, List.of());
        return value;
    }

    /** Every MessagePort the message holds must be listed: a port is never shared between threads. */
    private static void checkPorts(Object value, List<MessagePort> listed) {
        String where = GraphScan.find(value, o -> o instanceof MessagePort p && !containsSame(listed, p));
        if (where != null) {
            throw notTransferred(where);
        }
    }

    private static boolean containsSame(List<MessagePort> ports, MessagePort p) {
        for (MessagePort q : ports) {
            if (q == p) {
                return true;
            }
        }
        return false;
    }

    private static void classify(List<?> list, MessagePort source, List<ByteBuffer> buffers, List<MessagePort> ports) {
        Map<Object, Integer> seen = new IdentityHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            Object o = list.get(i);
            String where = "transferList[" + i + "]";
            if (o == null) {
                throw new WorkerException(ErrorCode.ERR_NOT_TRANSFERABLE, where + " is null");
            }
            Integer first = seen.put(o, i);
            if (first != null) {
                throw new WorkerException(ErrorCode.ERR_TRANSFER_DUPLICATE,
                        where + " is the same object as transferList[" + first + "]: each object may be transferred once");
            }
            if (o instanceof ByteBuffer b) {
                if (DetachedBuffers.contains(b)) {
                    throw detached(where);
                }
                buffers.add(b);
            } else if (o instanceof MessagePort p) {
                if (source != null && (p == source || p == source.partner())) {
                    throw new WorkerException(ErrorCode.ERR_TRANSFER_SOURCE_PORT,
                            where + " is the port being posted on (or its other end): a port cannot be sent over itself");
                }
                if (p.isClosed()) {
                    throw new WorkerException(ErrorCode.ERR_PORT_CLOSED, where + " is a closed MessagePort");
                }
                ports.add(p);
            } else if (o instanceof SharedBuffer) {
                throw new WorkerException(ErrorCode.ERR_NOT_TRANSFERABLE,
                        where + " is a SharedBuffer: shared buffers are always shared, post them without listing them");
            } else {
                throw new WorkerException(ErrorCode.ERR_NOT_TRANSFERABLE, where + " is a " + o.getClass().getName()
                        + ": only ByteBuffer and MessagePort can be transferred (other values pass by reference)");
            }
        }
    }

    private static Object moveBuffers(Object value, List<ByteBuffer> buffers) {
        Map<Object, Object> fresh = new IdentityHashMap<>();
        for (ByteBuffer b : buffers) {
            fresh.put(b, b.duplicate().order(b.order()));
        }
        GraphRewriter rewriter = new GraphRewriter(fresh);
        Object out;
        try {
            out = rewriter.rewrite(value);
        } catch (GraphRewriter.RecordAccessException e) {
            throw new WorkerException(ErrorCode.ERR_TRANSFER_NOT_REACHABLE, "record " + e.type.getName()
                    + " holds a transferred ByteBuffer but cannot be rebuilt (make it public in an exported package)", e.getCause());
        }
        for (int i = 0; i < buffers.size(); i++) {
            if (!rewriter.reached(buffers.get(i))) {
                throw new WorkerException(ErrorCode.ERR_TRANSFER_NOT_REACHABLE, "the ByteBuffer at transferList[" + i
                        + "] is not reachable from the message through records, lists, maps or arrays");
            }
        }
        for (ByteBuffer b : buffers) {
            DetachedBuffers.add(b);
            b.clear().limit(0);
        }
        return out;
    }

    private static WorkerException detached(String where) {
        return new WorkerException(ErrorCode.ERR_BUFFER_DETACHED, where
                + " is a ByteBuffer that was already transferred to another thread and can no longer be used here");
    }

    private static WorkerException notTransferred(String where) {
        return new WorkerException(ErrorCode.ERR_PORT_NOT_TRANSFERRED, "the MessagePort at " + where
                + " was posted without being listed in the transfer list: list it to move it"
                + " (Node: ERR_MISSING_TRANSFERABLE_IN_TRANSFER_LIST)");
    }
}
