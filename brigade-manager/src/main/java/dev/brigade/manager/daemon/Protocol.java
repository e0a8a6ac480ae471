package dev.brigade.manager.daemon;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;

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

    /** Reads one envelope; {@link ProtocolError} if the frame is not one (the connection is then unusable). */
    public static Envelope readEnvelope(ByteChannel ch) throws IOException {
        byte[] frame = read(ch);
        try {
            Envelope e = JSON.readValue(frame, Envelope.class);
            if (e.request() == null) {
                throw new ProtocolError("the frame has no request");
            }
            return e;
        } catch (com.fasterxml.jackson.core.JacksonException ex) {
            throw new ProtocolError("the frame is not a request: " + ex.getOriginalMessage());
        }
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

    /** The peer sent something that is not a frame of this protocol. */
    public static final class ProtocolError extends IOException {
        public ProtocolError(String message) {
            super(message);
        }
    }
}
