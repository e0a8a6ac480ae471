package dev.brigade.cluster.internal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * One framed IPC connection (either side), on a non-blocking socket.
 *
 * <h2>Reading</h2>
 * One reader thread calls {@link #read}. Bytes are read in bulk into a reused direct buffer and
 * frames are decoded from it in place, so a burst of small frames costs one system call, and
 * the only allocations per frame are the frame record and its payload. When the buffer holds no
 * whole frame, the reader first polls the socket for up to {@link Spin#NANOS} (if it gets one of
 * the process's spin permits, and spinning has paid on this channel lately), then blocks in its
 * selector: a reply that comes back within the spin window is seen without waking a halted vCPU
 * (DESIGN.md decision 6). On a loaded machine spins come back empty and only steal the core the
 * peer needs (measured: a fixed 50 µs spin tripled the round trip), hence the adaptation.
 *
 * <p>A thread blocked on a reply ({@link SpinFuture}, {@link #awaitReply}) reads the socket itself
 * while the reader thread waits in its selector, so a round trip has one thread per side and no
 * hand-off (the reader thread completing the future, then waking the caller, cost a wake-up per
 * round trip, and three spinners on two cores). Replies it reads it completes; any other frame, and
 * every frame after it, it hands over to the reader thread in order. {@code readLock} makes the two
 * readers take turns. While callers poll, and for {@code -Dbrigade.ipc.burstMicros} (1000) after the
 * last one stopped (the gap between two requests of a burst), the reader thread leaves the socket to
 * them: it waits for a hand-over instead of in its selector, where every reply would wake it. A frame
 * that arrives when no caller polls is then read up to that long later.
 *
 * <h2>Writing</h2>
 * Any thread may {@link #send}: see {@link IpcWriter}.
 *
 * Frames above the limit are refused in both directions: an over-long outgoing message is the
 * caller's error, an over-long incoming header a {@link ProtocolException}.
 */
public final class IpcChannel implements AutoCloseable, Correlator.Sender {
    /** Read buffer size: large enough for the usual burst of small frames; larger frames grow it once. */
    private static final int IN_SIZE = 16 * 1024;

    private final SocketChannel channel;
    private volatile String peer;
    private volatile int maxFrame;

    // Reading: the reader thread, or a caller waiting for a reply while the reader thread waits in its
    // selector (see poll). Everything below up to the writer is guarded by readLock.
    private final ReentrantLock readLock = new ReentrantLock();
    private final Selector readSelector;
    private final SelectionKey readKey;
    private ByteBuffer in = ByteBuffer.allocateDirect(IN_SIZE).flip(); // read mode: position..limit is unread
    private int spinScore = 1; // > 0: recent spins saw data in time, so spin again
    private int reads;
    private volatile boolean readerWaiting; // written under readLock: the reader thread waits in its selector, every frame before it dispatched
    private final ArrayDeque<Frame> handedOver = new ArrayDeque<>(); // read by a caller, for the reader thread
    private final AtomicInteger callers = new AtomicInteger(); // callers polling for their reply: the reader does not spin meanwhile
    private volatile int callerScore = 1; // > 0: callers that polled lately got their reply within the spin window
    private final java.util.concurrent.locks.Condition readerWanted = readLock.newCondition();
    private volatile long lastCallerNanos = System.nanoTime() - BURST_NANOS; // when a caller last stopped polling
    /** After a caller stopped polling, how long the reader thread keeps leaving the socket to callers. */
    private static final long BURST_NANOS = Long.getLong("brigade.ipc.burstMicros", 1000) * 1000;

    private final IpcWriter writer;

    /** A blocking channel (the worker's side). */
    public IpcChannel(SocketChannel channel, int maxFrame) throws IOException {
        this(channel, maxFrame, "primary", 0);
    }

    /**
     * @param peer       who is at the other end, for messages ("worker 3")
     * @param queueLimit 0 for blocking writes, else the most bytes queued for a peer that does not read
     */
    public IpcChannel(SocketChannel channel, int maxFrame, String peer, long queueLimit) throws IOException {
        this.channel = channel;
        this.maxFrame = maxFrame;
        this.peer = peer;
        channel.configureBlocking(false);
        this.readSelector = Selector.open();
        this.readKey = channel.register(readSelector, SelectionKey.OP_READ);
        this.writer = new IpcWriter(channel, queueLimit, new WriterHooks());
    }

    public void maxFrame(int bytes) {
        this.maxFrame = bytes;
    }

    /** Names the peer once it is known (after its hello). */
    public void peer(String name) {
        this.peer = name;
    }

    /**
     * Writes one frame (or queues it, on a queueing channel); {@link IllegalArgumentException} if it
     * exceeds the frame limit, {@link IpcWriter.QueueFullException} if the peer stopped reading.
     */
    @Override
    public void send(Frame frame) throws IOException {
        writer.send(frame, maxFrame);
    }

    /** Writes bytes as they are (tests use it to play a misbehaving peer). */
    void writeRaw(ByteBuffer buf) throws IOException {
        writer.writeRaw(buf);
    }

    /** Bytes waiting in the outgoing queue (a queueing channel whose peer reads slowly). */
    public long queuedBytes() {
        return writer.queuedBytes();
    }

    /**
     * Returns the next frame, spinning briefly then blocking until one arrives; {@link EOFException}
     * when the peer closed the connection cleanly, {@link AsynchronousCloseException} when this
     * side closed it.
     */
    public Frame read() throws IOException {
        readLock.lock();
        try {
            while (true) {
                Frame f = handedOver.poll();
                if (f == null) {
                    f = next();
                }
                if (f != null) {
                    return f;
                }
                fill();
            }
        } finally {
            readLock.unlock();
        }
    }

    /** Decodes the next whole frame of the buffer, or null (growing the buffer for a long one). */
    private Frame next() throws IOException {
        if (in.remaining() >= 4) {
            int length = FrameCodec.checkLength(in.getInt(in.position()), maxFrame);
            if (in.remaining() >= 4 + length) {
                int start = in.position() + 4;
                int limit = in.limit();
                in.position(start).limit(start + length);
                try {
                    return FrameCodec.decode(in);
                } finally {
                    in.limit(limit).position(start + length);
                }
            }
            if (4 + length > in.capacity()) {
                in = ByteBuffer.allocateDirect(4 + length).put(in).flip();
            }
        }
        return null;
    }

    /** One non-blocking read after the unread bytes; the buffer stays in read mode. */
    private int readSome() throws IOException {
        in.compact();
        try {
            return channel.read(in);
        } finally {
            in.flip();
        }
    }

    /**
     * Called by a thread waiting for a reply on this channel (see {@link SpinFuture}): if the reader
     * thread is idle in its selector, reads what the socket holds on the caller's thread, so the reply
     * needs no hand-off between threads (on these VMs a wake-up costs ~25 µs). Frames that
     * {@code direct} accepts (replies) are consumed here; any other frame, and every frame after it,
     * is handed over to the reader thread in order. Returns without waiting if another thread reads.
     */
    void poll(Predicate<Frame> direct) {
        if (readLock.isHeldByCurrentThread() || !readLock.tryLock()) {
            return; // not from inside a poll (a reply's dependent stage waiting for another reply): frames keep their order
        }
        try {
            if (!readerWaiting || !handedOver.isEmpty() || writer.full() != null) {
                return; // the reader thread is busy with earlier frames: they come first
            }
            boolean handed = false;
            for (int round = 0; round < 2; round++) {
                for (Frame f; (f = next()) != null; ) {
                    if (handed || !direct.test(f)) {
                        handedOver.add(f);
                        handed = true;
                    }
                }
                if (round == 0 && readSome() <= 0) {
                    break; // nothing more (end of stream: the reader thread sees it too)
                }
            }
            if (handed) {
                readerWanted.signal();
                readSelector.wakeup();
            }
        } catch (IOException | RuntimeException e) {
            // the reader thread meets the same error on its own read
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Waits up to {@link Spin#NANOS} for {@code reply}, reading the channel on this thread meanwhile
     * ({@link #poll}); returns early if it cannot get a spin permit, and without spinning when callers'
     * spins lately came back empty (a loaded machine: the spinner would steal the peer's core). The
     * caller then parks as usual and the reader thread completes the reply. While a caller polls, the
     * reader thread does not spin: one spinner per side of a round trip, two threads on two cores.
     */
    void awaitReply(Future<?> reply, Predicate<Frame> direct) {
        if (reply.isDone() || Spin.NANOS <= 0 || !callerSpinWorthIt()) {
            return;
        }
        callers.incrementAndGet();
        boolean permit = false;
        long start = System.nanoTime();
        try {
            while (!reply.isDone() && System.nanoTime() - start < Spin.NANOS) {
                if (!permit && !(permit = Spin.tryAcquire())) {
                    if (System.nanoTime() - start > 5_000) {
                        return; // another caller spins: park
                    }
                } else {
                    poll(direct);
                }
                Thread.onSpinWait();
            }
            if (permit) {
                int score = callerScore;
                callerScore = reply.isDone() ? Math.min(score + 1, 8) : score - 2;
            }
        } finally {
            lastCallerNanos = System.nanoTime();
            callers.decrementAndGet();
            if (permit) {
                Spin.release();
            }
            if (!reply.isDone()) { // this caller parks now: the reader thread must read its reply
                readLock.lock();
                try {
                    lastCallerNanos = System.nanoTime() - BURST_NANOS;
                    readerWanted.signal();
                } finally {
                    readLock.unlock();
                }
            }
        }
    }

    private int callerReads;

    /** Tests: a caller starts (+1) or stops (-1) polling, as {@link #awaitReply} does. */
    void callerPolling(int delta) {
        callers.addAndGet(delta);
    }

    /** Tests: the reader thread waits (for the socket, or for callers to hand frames over). */
    boolean readerWaiting() {
        return readerWaiting;
    }

    private boolean callerSpinWorthIt() {
        if (callerScore > 0) {
            return true;
        }
        if ((++callerReads & 63) == 0) { // racy between callers: only a hint
            callerScore = 1;
            return true;
        }
        return false;
    }

    /** Reads more bytes after the unread ones: spin, then block. Reader thread, holding readLock. */
    private void fill() throws IOException {
        if (in.position() > 0 && in.remaining() < 4 && in.capacity() > IN_SIZE) {
            in = ByteBuffer.allocateDirect(IN_SIZE).put(in).flip(); // a big frame is done: shrink back
        }
        if (writer.queueing() && (readKey.interestOps() & SelectionKey.OP_WRITE) != 0) {
            writer.flush();
        }
        try {
            int n = readSome();
            if (n == 0 && callers.get() == 0 && spinWorthIt() && Spin.tryAcquire()) {
                try {
                    long deadline = System.nanoTime() + Spin.NANOS;
                    do {
                        Thread.onSpinWait();
                        n = readSome();
                    } while (n == 0 && writer.full() == null && callers.get() == 0 && System.nanoTime() - deadline < 0);
                } finally {
                    Spin.release();
                }
                if (callers.get() == 0) {
                    spinScore = n != 0 ? Math.min(spinScore + 1, 8) : spinScore - 2;
                }
            }
            while (n == 0) {
                if (writer.full() != null) {
                    throw writer.full();
                }
                if (writer.queueing() && (readKey.interestOps() & SelectionKey.OP_WRITE) != 0) {
                    writer.flush();
                }
                awaitReadable();
                if (!channel.isOpen()) {
                    throw new AsynchronousCloseException();
                }
                if (!handedOver.isEmpty() || in.remaining() >= 4 && next0()) {
                    return; // a caller read for us meanwhile
                }
                n = readSome();
            }
            if (n < 0) {
                if (in.remaining() == 0) {
                    throw new EOFException("IPC channel closed by peer");
                }
                throw new ProtocolException("IPC channel closed in the middle of a frame (" + in.remaining()
                        + " bytes of an incomplete frame read)");
            }
        } catch (ClosedChannelException e) {
            throw e instanceof AsynchronousCloseException ? e : new AsynchronousCloseException();
        } catch (java.net.SocketException e) {
            // A peer that dies (SIGKILL) or exits with bytes it never read resets the connection: it is
            // gone, like at the end of the stream; not a protocol error (which was logged and published).
            if (String.valueOf(e.getMessage()).contains("reset")) {
                EOFException eof = new EOFException("IPC channel reset by peer");
                eof.initCause(e);
                throw eof;
            }
            throw e;
        }
    }

    /** True if the buffer holds a whole frame. */
    private boolean next0() {
        return in.remaining() >= 4 && in.remaining() >= 4 + in.getInt(in.position());
    }

    /**
     * Blocks in the selector until the socket is readable, with readLock released meanwhile so that
     * a caller waiting for its reply may read it (poll); takes the lock back after, spinning briefly
     * first since a polling caller holds it only for a read.
     */
    private void awaitReadable() throws IOException {
        readerWaiting = true;
        try {
            // While callers poll for replies (and for a millisecond after, the gap between two requests of
            // a burst), the socket is theirs: wait for a frame they hand over, or for the burst to end,
            // rather than be woken by every reply they read. A caller that gives up and parks signals.
            while (BURST_NANOS > 0 && (callers.get() > 0 || System.nanoTime() - lastCallerNanos < BURST_NANOS)
                    && handedOver.isEmpty() && writer.full() == null && channel.isOpen()
                    && (readKey.interestOps() & SelectionKey.OP_WRITE) == 0) {
                try {
                    readerWanted.awaitNanos(BURST_NANOS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // as before: the selector does not wait for an interrupted thread
                    break;
                }
            }
            if (!handedOver.isEmpty()) {
                return;
            }
            readLock.unlock();
            try {
                readSelector.select();
                readSelector.selectedKeys().clear();
            } catch (ClosedSelectorException e) {
                throw new AsynchronousCloseException();
            } finally {
                boolean locked = false;
                for (int i = 0; i < 200 && !(locked = readLock.tryLock()); i++) {
                    Thread.onSpinWait();
                }
                if (!locked) {
                    readLock.lock();
                }
            }
        } finally {
            readerWaiting = false;
        }
    }

    /**
     * Spinning pays only when the peer answers within the window; on a loaded machine it does not,
     * and the spinner then steals the core the peer needs. So spins that come back empty turn
     * spinning off for this channel, and one read in 64 tries again.
     */
    private boolean spinWorthIt() {
        if (spinScore > 0) {
            return true;
        }
        if ((++reads & 63) == 0) {
            spinScore = 1;
            return true;
        }
        return false;
    }

    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a socket we no longer use: nothing to do
        }
        readSelector.wakeup();
        try {
            readSelector.close();
        } catch (IOException ignored) {
            // nothing to do
        }
        writer.close();
    }

    /** The writer's view of the reading side (a named class: no lambda spun on a worker's start-up path). */
    private final class WriterHooks implements IpcWriter.Hooks {
        @Override
        public String peer() {
            return peer;
        }

        @Override
        public void wantWritable(boolean on) {
            readKey.interestOps(on ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
            if (on) {
                readSelector.wakeup();
            }
        }

        @Override
        public void queueFull() {
            readSelector.wakeup(); // the reader throws it and the connection is dropped
        }
    }
}
