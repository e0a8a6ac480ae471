package dev.brigade.cluster.internal;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Wire format of {@link Frame}s: a 4-byte big-endian length, then that many bytes: a one-byte
 * tag and the fields in record order (int/long big-endian, strings as u16 length + UTF-8, byte
 * arrays as the rest of the frame). Decoding is strict: an unknown tag, a short or over-long
 * body, invalid UTF-8 or a length over the limit is a {@link ProtocolException} naming what was
 * wrong; nothing is guessed.
 */
public final class FrameCodec {
    /** Largest header value accepted when no limit is configured. */
    public static final int DEFAULT_MAX_FRAME = 4 * 1024 * 1024;

    private static final byte HELLO = 1, WELCOME = 2, HEARTBEAT = 3, LISTENING = 4, MESSAGE = 5, REQUEST = 6,
            REPLY = 7, DISCONNECT = 8, GO = 9;

    private FrameCodec() {
    }

    /** The frame with its length header, ready to write. */
    public static ByteBuffer encode(Frame frame) {
        byte[] text = text(frame);
        ByteBuffer buf = ByteBuffer.allocate(4 + bodySize(frame, text));
        write(frame, text, buf);
        return buf.flip();
    }

    // Why instanceof chains and not pattern switches here (and in WorkerRuntime's reader): these run
    // while a worker starts, and on JDK 21-25 the first pattern switch over types costs 12-35 ms
    // (SwitchBootstraps.typeSwitch spins a class at run time), a third of a worker's fork -> online.
    // Exhaustiveness is checked by FrameCodecTest, which round-trips every permitted Frame subclass.

    /** The UTF-8 string field of a frame that has one (hello, listening), else null. */
    static byte[] text(Frame frame) {
        if (frame instanceof Frame.Hello h) {
            return utf8(h.token());
        }
        if (frame instanceof Frame.Listening l) {
            return utf8(l.host());
        }
        return null;
    }

    /** Bytes after the length header: the tag and the fields. {@code text} is {@link #text(Frame)}. */
    static int bodySize(Frame frame, byte[] text) {
        if (frame instanceof Frame.Message m) {
            return 1 + m.payload().length;
        } else if (frame instanceof Frame.Request r) {
            return 1 + 8 + r.payload().length;
        } else if (frame instanceof Frame.Reply r) {
            return 1 + 9 + r.payload().length;
        } else if (frame instanceof Frame.Heartbeat || frame instanceof Frame.Disconnect) {
            return 1;
        } else if (frame instanceof Frame.Hello) {
            return 1 + 4 + 2 + text.length + 8;
        } else if (frame instanceof Frame.Welcome) {
            return 1 + 8;
        } else if (frame instanceof Frame.Go) {
            return 1 + 4;
        } else if (frame instanceof Frame.Listening) {
            return 1 + 2 + text.length + 4;
        }
        throw new AssertionError("frame type without a size: " + frame.getClass());
    }

    /** Puts the length header and the frame into {@code buf}, which must have room for {@code 4 + bodySize}. */
    static void write(Frame frame, byte[] text, ByteBuffer buf) {
        buf.putInt(bodySize(frame, text));
        if (frame instanceof Frame.Message m) {
            buf.put(MESSAGE).put(m.payload());
        } else if (frame instanceof Frame.Request r) {
            buf.put(REQUEST).putLong(r.id()).put(r.payload());
        } else if (frame instanceof Frame.Reply r) {
            buf.put(REPLY).putLong(r.id()).put((byte) (r.ok() ? 1 : 0)).put(r.payload());
        } else if (frame instanceof Frame.Heartbeat) {
            buf.put(HEARTBEAT);
        } else if (frame instanceof Frame.Disconnect) {
            buf.put(DISCONNECT);
        } else if (frame instanceof Frame.Hello h) {
            buf.put(HELLO).putInt(h.workerId()).putShort((short) text.length).put(text).putLong(h.pid());
        } else if (frame instanceof Frame.Welcome w) {
            buf.put(WELCOME).putInt(w.heartbeatMillis()).putInt(w.maxFrameBytes());
        } else if (frame instanceof Frame.Go g) {
            buf.put(GO).putInt(g.instance());
        } else if (frame instanceof Frame.Listening l) {
            buf.put(LISTENING).putShort((short) text.length).put(text).putInt(l.port());
        } else {
            throw new AssertionError("frame type without an encoding: " + frame.getClass());
        }
    }

    /** Checks a length header before its body is read. */
    public static int checkLength(int length, int max) throws ProtocolException {
        if (length < 1 || length > max) {
            throw new ProtocolException("frame length " + length + " is outside 1.." + max + " bytes");
        }
        return length;
    }

    /** Decodes one frame body (tag and fields, without the length header). */
    public static Frame decode(ByteBuffer body) throws ProtocolException {
        if (!body.hasRemaining()) {
            throw new ProtocolException("empty frame");
        }
        byte tag = body.get();
        try {
            Frame f = switch (tag) {
                case HELLO -> new Frame.Hello(body.getInt(), string(body), body.getLong());
                case WELCOME -> new Frame.Welcome(body.getInt(), body.getInt());
                case HEARTBEAT -> new Frame.Heartbeat();
                case LISTENING -> new Frame.Listening(string(body), port(body.getInt()));
                case MESSAGE -> new Frame.Message(rest(body));
                case REQUEST -> new Frame.Request(body.getLong(), rest(body));
                case REPLY -> new Frame.Reply(body.getLong(), bool(body.get()), rest(body));
                case DISCONNECT -> new Frame.Disconnect();
                case GO -> new Frame.Go(body.getInt());
                default -> throw new ProtocolException("unknown frame tag " + tag + " (valid: 1.." + GO + ")");
            };
            if (body.hasRemaining()) {
                throw new ProtocolException(body.remaining() + " unexpected trailing bytes after frame tag " + tag);
            }
            return f;
        } catch (BufferUnderflowException e) {
            throw new ProtocolException("frame tag " + tag + " is truncated");
        }
    }

    private static byte[] utf8(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 0xffff) {
            throw new IllegalArgumentException("string of " + bytes.length + " bytes exceeds 65535: " + s.substring(0, 40) + "...");
        }
        return bytes;
    }

    private static String string(ByteBuffer body) throws ProtocolException {
        int len = body.getShort() & 0xffff;
        if (len > body.remaining()) {
            throw new ProtocolException("string of " + len + " bytes overruns the frame (" + body.remaining() + " left)");
        }
        ByteBuffer slice = body.slice(body.position(), len);
        body.position(body.position() + len);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(slice).toString();
        } catch (CharacterCodingException e) {
            throw new ProtocolException("string is not valid UTF-8");
        }
    }

    private static int port(int port) throws ProtocolException {
        if (port < 0 || port > 65535) {
            throw new ProtocolException("port " + port + " is outside 0..65535");
        }
        return port;
    }

    private static boolean bool(byte b) throws ProtocolException {
        if (b != 0 && b != 1) {
            throw new ProtocolException("boolean byte " + b + " is neither 0 nor 1");
        }
        return b == 1;
    }

    private static byte[] rest(ByteBuffer body) {
        byte[] bytes = new byte[body.remaining()];
        body.get(bytes);
        return bytes;
    }
}
