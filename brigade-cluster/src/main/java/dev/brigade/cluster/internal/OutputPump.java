package dev.brigade.cluster.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Drains one of a child's output pipes on a thread of its own and cuts it into lines. The
 * thread only reads and hands lines to a sink that must not block (the primary's bounded log
 * queue drops and counts when it is full), so a slow consumer never stalls the worker on a full
 * pipe. Keeps the last lines for boot-failure reports.
 */
public final class OutputPump {
    static final int MAX_LINE = 16 * 1024;
    private static final int TAIL = 20;

    private final ArrayDeque<String> tail = new ArrayDeque<>(); // guarded by itself
    private final Thread thread;

    private OutputPump(int fd, Consumer<String> sink, Runnable atEnd, String name) {
        this.thread = Thread.ofPlatform().daemon().name(name).stackSize(256 * 1024).unstarted(() -> {
            pump(fd, sink);
            atEnd.run();
        });
    }

    /** Starts pumping {@code fd} (closed at end of stream) into {@code sink}, one call per line. */
    public static OutputPump start(int fd, Consumer<String> sink, String name) {
        return start(fd, sink, () -> { }, name);
    }

    /** The same, running {@code atEnd} once the stream ended (every writer closed it) and its last line was passed on. */
    public static OutputPump start(int fd, Consumer<String> sink, Runnable atEnd, String name) {
        OutputPump p = new OutputPump(fd, sink, atEnd, name);
        p.thread.start();
        return p;
    }

    /** The last lines read (at most 20), oldest first. */
    public List<String> tail() {
        synchronized (tail) {
            return new ArrayList<>(tail);
        }
    }

    /** Waits until the pipe reached end of stream (the child and its descendants closed it). */
    public void join(long millis) throws InterruptedException {
        thread.join(millis);
    }

    private void pump(int fd, Consumer<String> sink) {
        byte[] buf = new byte[8192];
        byte[] line = new byte[MAX_LINE];
        int len = 0;
        try {
            while (true) {
                int n = Libc.INSTANCE.read(fd, buf, buf.length);
                if (n < 0 && com.sun.jna.Native.getLastError() == Libc.EINTR) {
                    continue;
                }
                if (n <= 0) {
                    break;
                }
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (b == '\n' || len == MAX_LINE) {
                        emit(line, len, sink);
                        len = 0;
                        if (b == '\n') {
                            continue;
                        }
                    }
                    line[len++] = b;
                }
            }
            if (len > 0) {
                emit(line, len, sink);
            }
        } finally {
            Libc.INSTANCE.close(fd);
        }
    }

    private void emit(byte[] line, int len, Consumer<String> sink) {
        int end = len > 0 && line[len - 1] == '\r' ? len - 1 : len;
        String s = new String(line, 0, end, StandardCharsets.UTF_8);
        synchronized (tail) {
            if (tail.size() == TAIL) {
                tail.removeFirst();
            }
            tail.addLast(s);
        }
        try {
            sink.accept(s);
        } catch (RuntimeException e) {
            System.getLogger("dev.brigade.cluster").log(System.Logger.Level.WARNING, "output sink failed", e);
        }
    }
}
