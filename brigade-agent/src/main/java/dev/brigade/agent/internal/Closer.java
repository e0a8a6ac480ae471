package dev.brigade.agent.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiFunction;

/**
 * While a worker drains, every HTTP/1.x response its unmodified app starts on a connection accepted on a
 * declared port says {@code Connection: close}, so that a keep-alive client retires the connection after
 * that response instead of sending its next request to an app that is about to stop. The client then
 * closes, the app sees the end of the stream and closes its side, and the drain ({@link Departure}) ends
 * with no request on the wire. {@link CloseRewriter} routes the JDK's socket writes here ({@link Hooks#WRITE})
 * only once the worker is leaving.
 *
 * <h2>What is changed, and what never is</h2>
 * Only a write whose (first non-empty) buffer starts a response: {@code HTTP/1.1 } or {@code HTTP/1.0 },
 * a 3-digit status that is not 1xx (100 Continue, 101 Switching Protocols are left alone), and the whole
 * header block (up to the blank line, at most 64 KiB) in that buffer. Then:
 * <ul>
 *   <li>no {@code Connection} header, HTTP/1.1: {@code Connection: close} is inserted after the status line
 *       (an HTTP/1.0 response without one already closes);</li>
 *   <li>one {@code Connection: keep-alive} header: its value becomes {@code close} padded with spaces to the
 *       same length (trailing whitespace is not part of a field value);</li>
 *   <li>anything else ({@code close}, {@code upgrade}, several Connection headers, headers split over
 *       writes, a response that starts in the middle of a buffer, as pipelined responses may): unchanged.</li>
 * </ul>
 * Bodies, chunked or not, are never touched: only the bytes up to the end of the edit are replaced, and the
 * app's own buffer is never modified (the edit goes out as an extra buffer of a gathering write).
 *
 * <h2>Byte counts</h2>
 * The app is told it wrote what it would have written without the edit. A partial write that ends before the
 * first changed byte is reported as such and the edit is dropped (the rest of the response goes out as the app
 * wrote it); one that ends inside the edit finishes the edit (parking 1 ms while the socket takes nothing, at
 * most {@value #FINISH_SECONDS} s) and reports the app's bytes the edit replaced.
 */
final class Closer implements BiFunction<Object, Object, Object> {
    static final int MAX_HEAD = 64 * 1024;
    static final int FINISH_SECONDS = 10;
    private static final byte[] HTTP11 = "HTTP/1.1 ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HTTP10 = "HTTP/1.0 ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONNECTION = "connection:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEEP_ALIVE = "keep-alive".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE_LINE = "Connection: close\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE_PADDED = "close     ".getBytes(StandardCharsets.US_ASCII);

    private final Set<Integer> ports;
    private final ThreadLocal<Boolean> inside = new ThreadLocal<>();
    private final LongAdder edited = new LongAdder();

    /** Closes responses on connections whose local port is one of {@code ports}. */
    Closer(Set<Integer> ports) {
        this.ports = Set.copyOf(ports);
    }

    /** Responses edited so far. */
    long edited() {
        return edited.sum();
    }

    /**
     * The edit of the response that starts at {@code b}'s position: {@code head} replaces the app's first
     * {@code covered} bytes, of which the first {@code same} are unchanged.
     */
    record Edit(byte[] head, int covered, int same) {
    }

    /**
     * {@code (SocketChannel, ByteBuffer)} → Integer; {@code (SocketChannel, {ByteBuffer[], offset, length})} → Long:
     * the app's bytes written, or null to run the JDK write unchanged. {@code (NioSocketImpl, {byte[], off, len,
     * localPort})} → the bytes to write instead, or null. A Throwable is thrown by the JDK method.
     */
    @Override
    public Object apply(Object target, Object arg) {
        if (inside.get() != null) {
            return null;
        }
        try {
            if (target instanceof SocketChannel ch) {
                if (arg instanceof ByteBuffer b) {
                    return write(ch, new ByteBuffer[] {b}, 0, 1, false);
                }
                if (arg instanceof Object[] a && a.length == 3) {
                    return write(ch, (ByteBuffer[]) a[0], (Integer) a[1], (Integer) a[2], true);
                }
            } else if (arg instanceof Object[] a && a.length == 4) {
                return blocking((byte[]) a[0], (Integer) a[1], (Integer) a[2], (Integer) a[3]);
            }
            return null;
        } catch (Throwable t) {
            return t; // from the write itself: the app sees what the JDK write would have thrown
        }
    }

    private Object write(SocketChannel ch, ByteBuffer[] srcs, int offset, int length, boolean gathering) throws IOException {
        if (srcs == null || offset < 0 || length < 0 || offset > srcs.length - length) {
            return null; // the JDK method reports it
        }
        int first = offset;
        while (first < offset + length && (srcs[first] == null || !srcs[first].hasRemaining())) {
            first++;
        }
        if (first == offset + length) {
            return null;
        }
        ByteBuffer app = srcs[first];
        Edit e = plan(app);
        if (e == null || !declared(ch)) {
            return null;
        }
        ByteBuffer head = ByteBuffer.wrap(e.head());
        ByteBuffer[] out = new ByteBuffer[1 + offset + length - first];
        out[0] = head;
        System.arraycopy(srcs, first, out, 1, out.length - 1);
        int start = app.position();
        app.position(start + e.covered());
        long result;
        inside.set(Boolean.TRUE);
        try {
            long n = ch.write(out, 0, out.length);
            if (n >= e.head().length) {
                result = n - e.head().length + e.covered();
                edited.increment();
            } else if (n <= e.same()) {
                app.position(start + (int) n);
                result = n;
            } else {
                finish(ch, head);
                result = e.covered();
                edited.increment();
            }
        } catch (IOException | RuntimeException t) {
            app.position(start);
            throw t;
        } finally {
            inside.remove();
        }
        return gathering ? (Object) result : (Object) (int) result;
    }

    /** Writes the rest of the edit: a response must not be left with half a header line. */
    private static void finish(SocketChannel ch, ByteBuffer head) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(FINISH_SECONDS);
        while (head.hasRemaining()) {
            if (ch.write(head) == 0) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IOException("brigade-agent: the socket took no byte for " + FINISH_SECONDS
                            + " s while a leaving worker was adding Connection: close to a response");
                }
                LockSupport.parkNanos(1_000_000); // the app's selector cannot be used from inside its write
            }
        }
    }

    private Object blocking(byte[] b, int off, int len, int localPort) {
        if (b == null || off < 0 || len < 0 || off > b.length - len || !ports.contains(localPort)) {
            return null;
        }
        Edit e = plan(ByteBuffer.wrap(b, off, len));
        if (e == null) {
            return null;
        }
        byte[] out = new byte[len - e.covered() + e.head().length];
        System.arraycopy(e.head(), 0, out, 0, e.head().length);
        System.arraycopy(b, off + e.covered(), out, e.head().length, len - e.covered());
        edited.increment(); // a blocking write writes all of it or throws
        return out;
    }

    private boolean declared(SocketChannel ch) {
        try {
            return ch.getLocalAddress() instanceof InetSocketAddress a && ports.contains(a.getPort());
        } catch (IOException | RuntimeException e) {
            return false; // closed: the JDK write says so
        }
    }

    /** The edit for the response starting at {@code b}'s position, or null to leave the bytes as they are. */
    static Edit plan(ByteBuffer b) {
        int pos = b.position();
        int limit = pos + Math.min(b.remaining(), MAX_HEAD);
        if (limit - pos < 16 || b.get(pos) != 'H') {
            return null;
        }
        boolean v11 = startsWith(b, pos, HTTP11);
        if (!v11 && !startsWith(b, pos, HTTP10)) {
            return null;
        }
        for (int i = pos + 9; i < pos + 12; i++) {
            if (b.get(i) < '0' || b.get(i) > '9') {
                return null;
            }
        }
        if (b.get(pos + 9) == '1' || b.get(pos + 12) != ' ' && b.get(pos + 12) != '\r') {
            return null;
        }
        int statusEnd = crlf(b, pos, limit);
        if (statusEnd < 0) {
            return null;
        }
        int line = statusEnd + 2;
        int found = 0, valueStart = -1, valueEnd = -1;
        while (true) {
            int eol = crlf(b, line, limit);
            if (eol < 0) {
                return null; // the header block does not end in this buffer
            }
            if (eol == line) {
                break;
            }
            if (startsWithIgnoreCase(b, line, eol, CONNECTION)) {
                found++;
                valueStart = line + CONNECTION.length;
                while (valueStart < eol && (b.get(valueStart) == ' ' || b.get(valueStart) == '\t')) {
                    valueStart++;
                }
                valueEnd = eol;
                while (valueEnd > valueStart && (b.get(valueEnd - 1) == ' ' || b.get(valueEnd - 1) == '\t')) {
                    valueEnd--;
                }
            }
            line = eol + 2;
        }
        if (found == 0) {
            if (!v11) {
                return null;
            }
            int covered = statusEnd + 2 - pos;
            byte[] head = new byte[covered + CLOSE_LINE.length];
            b.get(pos, head, 0, covered);
            System.arraycopy(CLOSE_LINE, 0, head, covered, CLOSE_LINE.length);
            return new Edit(head, covered, covered);
        }
        if (found > 1 || valueEnd - valueStart != KEEP_ALIVE.length
                || !startsWithIgnoreCase(b, valueStart, valueEnd, KEEP_ALIVE)) {
            return null;
        }
        int covered = valueEnd - pos;
        byte[] head = new byte[covered];
        b.get(pos, head, 0, covered);
        System.arraycopy(CLOSE_PADDED, 0, head, valueStart - pos, CLOSE_PADDED.length);
        return new Edit(head, covered, valueStart - pos);
    }

    /** The index of the next CR LF at or after {@code from} and before {@code limit}, or -1. */
    private static int crlf(ByteBuffer b, int from, int limit) {
        for (int i = from; i + 1 < limit; i++) {
            if (b.get(i) == '\r' && b.get(i + 1) == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static boolean startsWith(ByteBuffer b, int at, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (b.get(at + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code b[at, end)} starts with {@code lower}, ASCII case-insensitively. */
    private static boolean startsWithIgnoreCase(ByteBuffer b, int at, int end, byte[] lower) {
        if (end - at < lower.length) {
            return false;
        }
        for (int i = 0; i < lower.length; i++) {
            int c = b.get(at + i);
            if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != lower[i]) {
                return false;
            }
        }
        return true;
    }
}
