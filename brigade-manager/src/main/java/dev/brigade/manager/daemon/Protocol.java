package dev.brigade.manager.daemon;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The control protocol's wire format, both ends. A frame is a 4-byte big-endian length and that
 * many bytes of UTF-8 JSON, at most {@link #MAX_FRAME} bytes: a length beyond it (garbage, or a
 * client of another program) fails before anything is allocated. A request frame is an envelope
 * {@code {"v":1,"request":{"type":"list"}}}: a daemon answers a request of another version with a
 * {@code VERSION} failure instead of guessing what it means.
 */
public final class Protocol {
    /** Bumped whenever a request or response changes incompatibly. */
    public static final int VERSION = 1;
    /** Largest frame either way: 4 MiB (a {@code describe --json} of 1024 instances fits). */
    public static final int MAX_FRAME = 4 * 1024 * 1024;

    static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    /** The versioned request envelope. */
    public record Envelope(int v, Request request) {
    }

    private Protocol() {
    }

    public static void writeRequest(ByteChannel ch, Request r) throws IOException {
        write(ch, JSON.writeValueAsBytes(new Envelope(VERSION, r)));
    }

    public static void writeResponse(ByteChannel ch, Response r) throws IOException {
        write(ch, JSON.writeValueAsBytes(r));
    }

    public static Response readResponse(ByteChannel ch) throws IOException {
        return JSON.readValue(read(ch), Response.class);
    }

    /**
     * Frames larger than this are read on the daemon's side only with bytes of {@link #BUDGET}: 64 connections that
     * each announce {@link #MAX_FRAME} cannot make the daemon allocate 256 MiB (its heap is 64 MiB).
     */
    static final int SMALL_FRAME = 64 * 1024;
    /** The bytes all large request frames being read at once may take in the daemon: 12 MiB. */
    static final int BUDGET_BYTES = Integer.getInteger("brigade.daemon.frameBudgetBytes", 12 << 20);
    static final Semaphore BUDGET = new Semaphore(BUDGET_BYTES);
    private static final long BUDGET_WAIT_MS = 2000;

    /**
     * Reads one envelope; {@link ProtocolError} if the frame is not one (the connection is then unusable), {@link Busy}
     * if a large frame finds no room in the {@link #BUDGET} within 2 s.
     */
    public static Envelope readEnvelope(ByteChannel ch) throws IOException {
        ByteBuffer len = ByteBuffer.allocate(4);
        fill(ch, len);
        int n = len.flip().getInt();
        if (n < 0 || n > MAX_FRAME) {
            throw new ProtocolError("frame length " + n + " is outside 0.." + MAX_FRAME);
        }
        int permits = n > SMALL_FRAME ? n : 0;
        try {
            if (permits > 0 && !BUDGET.tryAcquire(permits, BUDGET_WAIT_MS, TimeUnit.MILLISECONDS)) {
                throw new Busy("the daemon is reading other large requests (a frame of " + n + " bytes does not fit in the "
                        + BUDGET_BYTES + "-byte budget within " + BUDGET_WAIT_MS + " ms); retry in a moment");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for the frame budget");
        }
        try {
            ByteBuffer body = ByteBuffer.allocate(n);
            fill(ch, body);
            return parse(body.array());
        } finally {
            BUDGET.release(permits);
        }
    }

    private static Envelope parse(byte[] frame) throws IOException {
        Envelope e;
        try {
            e = JSON.readValue(frame, Envelope.class);
        } catch (com.fasterxml.jackson.core.JacksonException ex) {
            throw new ProtocolError("the frame is not a request: " + ex.getOriginalMessage());
        } catch (IOException ex) {
            // the frame is in memory, so any other IOException is about its bytes too: e.g. a body starting with NULs is
            // read as UTF-32, whose reader refuses the next bytes (CharConversionException, not a JacksonException)
            throw new ProtocolError("the frame is not a request: " + ex.getMessage());
        }
        if (e == null || e.request() == null) { // a body of JSON null reads as a null envelope
            throw new ProtocolError("the frame has no request");
        }
        return e;
    }

    static void write(ByteChannel ch, byte[] body) throws IOException {
        if (body.length > MAX_FRAME) {
            throw new IOException("frame of " + body.length + " bytes exceeds the limit of " + MAX_FRAME);
        }
        ByteBuffer buf = ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).flip();
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    static byte[] read(ByteChannel ch) throws IOException {
        ByteBuffer len = ByteBuffer.allocate(4);
        fill(ch, len);
        int n = len.flip().getInt();
        if (n < 0 || n > MAX_FRAME) {
            throw new ProtocolError("frame length " + n + " is outside 0.." + MAX_FRAME);
        }
        ByteBuffer body = ByteBuffer.allocate(n);
        fill(ch, body);
        return body.array();
    }

    private static void fill(ByteChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                throw new EOFException("connection closed after " + buf.position() + " of " + buf.capacity() + " bytes");
            }
        }
    }

    /** No room for the peer's frame now: answered BUSY. */
    public static final class Busy extends IOException {
        public Busy(String message) {
            super(message);
        }
    }

    /** The peer sent something that is not a frame of this protocol. */
    public static final class ProtocolError extends IOException {
        public ProtocolError(String message) {
            super(message);
        }
    }
}
