package dev.brigade.cluster.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/**
 * The writing half of an {@link IpcChannel}. Any thread may send; frames are encoded into a reused direct buffer under the write
 * lock and written at once. What the socket does not take depends on the side:
 * <ul>
 * <li>a <em>blocking</em> channel (the worker's) waits until the socket drains: a primary that
 * reads slowly slows its worker down, which is the back-pressure a worker should feel;
 * <li>a <em>queueing</em> channel (the primary's, {@code queueLimit > 0}) never blocks the
 * sender: the rest is queued and the reader thread flushes it when the socket is writable. A
 * worker that stops reading must not stall the primary, so when the queue would exceed its
 * limit the channel fails with {@link QueueFullException}, naming the peer and the limit: the
 * reader throws it and the connection is dropped (the worker, having lost its primary, exits).
 * </ul>
 */
final class IpcWriter {
    /** The outgoing queue of a worker's channel would exceed its limit: the worker is not reading. */
    public static final class QueueFullException extends IOException {
        QueueFullException(String message) {
            super(message);
        }
    }

    private final SocketChannel channel;
    private final long queueLimit; // 0: blocking writes
    private final Hooks hooks;

    private final Object writeLock = new Object();
    private ByteBuffer out = ByteBuffer.allocateDirect(4096); // guarded by writeLock
    private volatile Selector writeSelector; // set under writeLock; blocking channels, created when a write first stalls
    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>(); // guarded by writeLock
    private long queued; // guarded by writeLock: bytes in queue
    private volatile QueueFullException full;

    /** What the writer needs of its channel's reading side. */
    interface Hooks {
        /** Who is at the other end, for messages. */
        String peer();

        /** The reader thread should (not) watch for writability and flush the queue. */
        void wantWritable(boolean on);

        /** The queue would exceed its limit: wake the reader thread, which throws {@link #full()}. */
        void queueFull();
    }

    IpcWriter(SocketChannel channel, long queueLimit, Hooks hooks) {
        this.channel = channel;
        this.queueLimit = queueLimit;
        this.hooks = hooks;
    }

    /** True for a queueing channel (the primary's side). */
    boolean queueing() {
        return queueLimit > 0;
    }

    /** Set once the queue would have exceeded its limit: the connection is then dropped. */
    QueueFullException full() {
        return full;
    }

    /**
     * Writes one frame (or queues it, on a queueing channel); {@link IllegalArgumentException} if it
     * exceeds the frame limit, {@link QueueFullException} if the peer stopped reading.
     */
    void send(Frame frame, int maxFrame) throws IOException {
        byte[] text = FrameCodec.text(frame);
        int body = FrameCodec.bodySize(frame, text);
        if (body > maxFrame) {
            throw new IllegalArgumentException("frame of " + body + " bytes exceeds maxFrameBytes ("
                    + maxFrame + "); send smaller messages or raise ClusterSettings.maxFrameBytes");
        }
        synchronized (writeLock) {
            if (out.capacity() < 4 + body) {
                out = ByteBuffer.allocateDirect(Math.max(4 + body, out.capacity() * 2));
            }
            out.clear();
            FrameCodec.write(frame, text, out);
            writeLocked(out.flip());
            if (out.capacity() > 1 << 20) {
                out = ByteBuffer.allocateDirect(4096); // do not keep a huge buffer for one huge frame
            }
        }
    }

    /** Writes bytes as they are (tests use it to play a misbehaving peer). */
    void writeRaw(ByteBuffer buf) throws IOException {
        synchronized (writeLock) {
            writeLocked(buf);
        }
    }

    private void writeLocked(ByteBuffer buf) throws IOException {
        if (full != null) {
            throw full;
        }
        if (queue.isEmpty()) {
            channel.write(buf);
        }
        if (!buf.hasRemaining()) {
            return;
        }
        if (queueLimit <= 0) {
            awaitWritten(buf);
            return;
        }
        int n = buf.remaining();
        if (queued + n > queueLimit) {
            full = new QueueFullException(hooks.peer() + " stopped reading its IPC channel: " + (queued + n)
                    + " bytes would be queued for it, over the limit of " + queueLimit + " bytes (-Dbrigade.ipc.maxQueuedBytes)");
            hooks.queueFull();
            throw full;
        }
        ByteBuffer copy = ByteBuffer.allocate(n).put(buf).flip();
        boolean wasEmpty = queue.isEmpty();
        queue.add(copy);
        queued += n;
        if (wasEmpty) {
            hooks.wantWritable(true);
        }
    }

    private void awaitWritten(ByteBuffer buf) throws IOException {
        Selector ws = writeSelector;
        if (ws == null) {
            writeSelector = ws = Selector.open();
            channel.register(ws, SelectionKey.OP_WRITE);
        }
        while (buf.hasRemaining()) {
            if (!channel.isOpen()) {
                throw new AsynchronousCloseException();
            }
            try {
                ws.select(1000);
                ws.selectedKeys().clear();
            } catch (ClosedSelectorException e) {
                throw new AsynchronousCloseException();
            }
            channel.write(buf);
        }
    }

    /** Writes what the queue holds while the socket takes it; true if all of it went. Reader thread. */
    boolean flush() throws IOException {
        synchronized (writeLock) {
            while (!queue.isEmpty()) {
                ByteBuffer b = queue.peek();
                int n = channel.write(b);
                queued -= n;
                if (b.hasRemaining()) {
                    return false;
                }
                queue.poll();
            }
            hooks.wantWritable(false);
            return true;
        }
    }

    /** Bytes waiting in the outgoing queue (a queueing channel whose peer reads slowly). */
    long queuedBytes() {
        synchronized (writeLock) {
            return queued;
        }
    }

    /** Closes the blocking writer's selector; not under the write lock: a sender may hold it, waiting in this selector. */
    void close() {
        Selector ws = writeSelector;
        if (ws != null) {
            try {
                ws.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }
}
