package dev.brigade.cluster.internal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * One framed IPC connection (either side). Reads are done by a single reader thread; writes
 * may come from any thread and are serialized. Frames above the limit are refused in both
 * directions: an over-long outgoing message is the caller's error, an over-long incoming
 * header a {@link ProtocolException}.
 */
public final class IpcChannel implements AutoCloseable {
    private final SocketChannel channel;
    private final ByteBuffer header = ByteBuffer.allocate(4); // reader thread only
    private final Object writeLock = new Object();
    private volatile int maxFrame;

    public IpcChannel(SocketChannel channel, int maxFrame) {
        this.channel = channel;
        this.maxFrame = maxFrame;
    }

    public void maxFrame(int bytes) {
        this.maxFrame = bytes;
    }

    /** Writes one frame; {@link IllegalArgumentException} if it exceeds the frame limit. */
    public void send(Frame frame) throws IOException {
        ByteBuffer buf = FrameCodec.encode(frame);
        if (buf.remaining() - 4 > maxFrame) {
            throw new IllegalArgumentException("frame of " + (buf.remaining() - 4) + " bytes exceeds maxFrameBytes ("
                    + maxFrame + "); send smaller messages or raise ClusterSettings.maxFrameBytes");
        }
        writeRaw(buf);
    }

    /** Writes bytes as they are (tests use it to play a misbehaving peer). */
    void writeRaw(ByteBuffer buf) throws IOException {
        synchronized (writeLock) {
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        }
    }

    /** Blocks for the next frame; {@link EOFException} when the peer closed the connection cleanly. */
    public Frame read() throws IOException {
        header.clear();
        if (!fill(header, true)) {
            throw new EOFException("IPC channel closed by peer");
        }
        int length = FrameCodec.checkLength(header.flip().getInt(), maxFrame);
        ByteBuffer body = ByteBuffer.allocate(length);
        fill(body, false);
        return FrameCodec.decode(body.flip());
    }

    private boolean fill(ByteBuffer buf, boolean eofAllowedAtStart) throws IOException {
        while (buf.hasRemaining()) {
            if (channel.read(buf) < 0) {
                if (eofAllowedAtStart && buf.position() == 0) {
                    return false;
                }
                throw new ProtocolException("IPC channel closed in the middle of a frame (" + buf.position() + " of "
                        + buf.limit() + " bytes read)");
            }
        }
        return true;
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
    }
}
