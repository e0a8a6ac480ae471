package dev.brigade.manager.daemon;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How {@link DaemonProtocolFuzzTest} reads one fuzz input. The first byte picks a mode; the rest
 * is what the mode sends, so that libFuzzer's byte mutations stay meaningful: in the framed modes
 * bodies are cut at {@link #SEPARATOR} and framed with their true length, so an inserted byte
 * changes the JSON, not the framing.
 *
 * <ul>
 *   <li>{@code RAW}: the bytes as they are, on one control connection (lengths, bodies and all);</li>
 *   <li>{@code FRAMED}: frames of the bodies, each with its true length;</li>
 *   <li>{@code MISLENGTH}: the same, but the last frame announces a length that lies (the second byte
 *       picks which: one off, truncated, at the large-frame threshold, at the 4 MiB limit, past it,
 *       negative, zero);</li>
 *   <li>{@code PADDED}: the same, the first body preceded by up to 1.25 MiB of white space (the second
 *       byte says how much), so that large frames take the frame budget's path and are parsed whole;</li>
 *   <li>{@code FIFO}: the bytes written to the launcher's pipe {@code ls.fifo}.</li>
 * </ul>
 */
final class FuzzInput {
    enum Mode { RAW, FRAMED, MISLENGTH, PADDED, FIFO }

    /** Separates the bodies of the framed modes (ASCII record separator: rare in JSON). */
    static final byte SEPARATOR = 0x1E;
    static final int PAD_UNIT = 16 * 1024;

    private FuzzInput() {
    }

    static Mode mode(byte[] data) {
        return data.length == 0 ? Mode.RAW : Mode.values()[(data[0] & 0xff) % Mode.values().length];
    }

    /** The bytes for the pipe ({@link Mode#FIFO}). */
    static byte[] fifoBytes(byte[] data) {
        return data.length == 0 ? data : Arrays.copyOfRange(data, 1, data.length);
    }

    /** The bytes for the control connection (every mode but {@link Mode#FIFO}). */
    static byte[] controlStream(byte[] data) {
        Mode mode = mode(data);
        if (mode == Mode.RAW) {
            return fifoBytes(data);
        }
        int from = mode == Mode.FRAMED ? 1 : 2;
        int knob = data.length > 1 ? data[1] & 0xff : 0;
        List<byte[]> bodies = split(data, Math.min(from, data.length));
        if (mode == Mode.PADDED && !bodies.isEmpty()) {
            byte[] first = bodies.get(0);
            byte[] padded = new byte[(knob % 80) * PAD_UNIT + first.length];
            Arrays.fill(padded, 0, padded.length - first.length, (byte) ' ');
            System.arraycopy(first, 0, padded, padded.length - first.length, first.length);
            bodies.set(0, padded);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < bodies.size(); i++) {
            byte[] b = bodies.get(i);
            boolean lie = mode == Mode.MISLENGTH && i == bodies.size() - 1;
            out.writeBytes(ByteBuffer.allocate(4).putInt(lie ? lie(knob, b.length) : b.length).array());
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    /** The length the last frame of {@link Mode#MISLENGTH} announces for a body of {@code actual} bytes. */
    static int lie(int knob, int actual) {
        return switch (knob % 10) {
            case 0 -> actual - 1;
            case 1 -> actual + 1;
            case 2 -> actual + 4096;                 // truncated: the client hangs up first
            case 3 -> Protocol.SMALL_FRAME + 1;     // the budget's path, truncated
            case 4 -> Protocol.MAX_FRAME;           // an oversized announcement at the limit
            case 5 -> Protocol.MAX_FRAME + 1;
            case 6 -> Integer.MAX_VALUE;
            case 7 -> -1;
            case 8 -> Integer.MIN_VALUE;
            default -> 0;
        };
    }

    private static List<byte[]> split(byte[] data, int from) {
        List<byte[]> bodies = new ArrayList<>();
        int start = from;
        for (int i = from; i <= data.length; i++) {
            if (i == data.length || data[i] == SEPARATOR) {
                if (i > start || i < data.length) {
                    bodies.add(Arrays.copyOfRange(data, start, i));
                }
                start = i + 1;
            }
        }
        return bodies;
    }
}
