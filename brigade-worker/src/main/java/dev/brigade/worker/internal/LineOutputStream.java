package dev.brigade.worker.internal;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Splits bytes into UTF-8 lines and hands each complete line to a sink; a partial last line is
 * handed over at {@link #close()} only, so lines are never cut in two.
 * Not thread-safe by itself: wrap it in a {@link java.io.PrintStream}, which synchronizes.
 */
public final class LineOutputStream extends OutputStream {
    private final Consumer<String> sink;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(128);

    /**
     * A stream that hands each complete line (without its terminator) to {@code sink}.
     *
     * @param sink receives the lines
     */
    public LineOutputStream(Consumer<String> sink) {
        this.sink = sink;
    }

    @Override
    public void write(int b) {
        if (b == '\n') {
            emit();
        } else {
            line.write(b);
        }
    }

    @Override
    public void write(byte[] b, int off, int len) {
        int start = off;
        for (int i = off; i < off + len; i++) {
            if (b[i] == '\n') {
                line.write(b, start, i - start);
                emit();
                start = i + 1;
            }
        }
        line.write(b, start, off + len - start);
    }

    private void emit() {
        int n = line.size();
        byte[] bytes = line.toByteArray();
        if (n > 0 && bytes[n - 1] == '\r') {
            n--;
        }
        line.reset();
        sink.accept(new String(bytes, 0, n, StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        if (line.size() > 0) {
            emit();
        }
    }
}
