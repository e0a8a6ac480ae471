package dev.brigade.manager.daemon;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Answers {@code logs}: the last lines of each instance's log file as {@link Response.LogLine}
 * frames, then either an {@link Response.Ok} (done) or, with {@code follow}, every new line until
 * the client hangs up. Tails are streamed from the file a line at a time: {@code --lines 100000} of a
 * large log costs the daemon one buffer, not the file. A slow follower never slows an app: new lines go through a bounded queue
 * and the ones that do not fit are dropped, and counted in the final {@code Ok}.
 */
final class LogFollower {
    private static final int QUEUE = 10_000;

    private final Apps apps;
    private final java.nio.channels.SocketChannel ch;

    LogFollower(Apps apps, java.nio.channels.SocketChannel ch) {
        this.apps = apps;
        this.ch = ch;
    }

    /** Serves the request; returns when done, or when a follower hung up. */
    void follow(Request.Logs req) throws IOException {
        List<App> chosen;
        try {
            chosen = apps.select(req.target() == null ? "all" : req.target());
        } catch (Apps.UnknownApp e) {
            Protocol.writeResponse(ch, new Response.Failure("UNKNOWN_APP", e.getMessage()));
            return;
        }
        BlockingQueue<Response.LogLine> queue = new ArrayBlockingQueue<>(QUEUE);
        AtomicLong dropped = new AtomicLong();
        List<Runnable> unsubscribe = new ArrayList<>();
        if (req.follow()) {
            for (App a : chosen) {
                unsubscribe.add(a.follow(line -> {
                    if (!queue.offer(line)) {
                        dropped.incrementAndGet();
                    }
                }));
            }
        }
        try {
            for (App a : chosen) {
                for (Instance i : a.instances()) {
                    tail(i, req.lines(), text -> Protocol.writeResponse(ch, new Response.LogLine(a.spec().name(), i.index, false, text)));
                }
            }
            if (!req.follow()) {
                Protocol.writeResponse(ch, new Response.Ok("", List.of()));
                return;
            }
            Thread writer = Thread.currentThread();
            Thread watcher = Thread.ofVirtual().start(() -> awaitHangUp(writer));
            try {
                while (ch.isOpen()) {
                    Protocol.writeResponse(ch, queue.take());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                watcher.interrupt();
            }
        } finally {
            unsubscribe.forEach(Runnable::run);
        }
    }

    /** Reads until the client closes its side, then closes the channel (which ends the writer's loop). */
    private void awaitHangUp(Thread writer) {
        try {
            while (ch.read(java.nio.ByteBuffer.allocate(64)) >= 0) {
                // a follower sends nothing; whatever it sends is ignored
            }
        } catch (IOException e) {
            // closed
        }
        try {
            ch.close();
        } catch (IOException ignored) {
            // closed already
        }
        writer.interrupt();
    }

    /** The longest line sent whole; the rest of a longer one is cut (a log line of gigabytes must not reach the heap). */
    static final int MAX_LINE_BYTES = 64 * 1024;

    /** An IO action on one line of text. */
    interface LineSink {
        void accept(String line) throws IOException;
    }

    /**
     * Hands the last {@code n} lines of the instance's log file to {@code sink}, one at a time, read from the file as they
     * are sent (memory: one buffer and one line, whatever {@code n}); the in-memory tail if the file cannot be read.
     */
    static void tail(Instance i, int n, LineSink sink) throws IOException {
        if (n <= 0) {
            return;
        }
        Path p = i.log.path();
        FileChannel f;
        try {
            f = FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            List<String> mem = i.lastLines();
            for (String line : mem.subList(Math.max(0, mem.size() - n), mem.size())) {
                sink.accept(line);
            }
            return;
        }
        try (f) {
            long end = f.size();
            stream(f, start(f, end, n), end, sink);
        }
    }

    /** The offset of the first of the last {@code n} lines before {@code end}. */
    static long start(FileChannel f, long end, int n) throws IOException {
        ByteBuffer block = ByteBuffer.allocate(8192);
        long pos = end;
        int newlines = 0;
        boolean last = true; // a final newline ends the last line, it does not start one
        while (pos > 0) {
            int len = (int) Math.min(block.capacity(), pos);
            pos -= len;
            block.clear().limit(len);
            while (block.hasRemaining() && f.read(block, pos + block.position()) >= 0) {
                // fill
            }
            for (int k = len - 1; k >= 0; k--) {
                if (block.get(k) == '\n') {
                    if (last && pos + k == end - 1) {
                        continue;
                    }
                    if (++newlines == n) {
                        return pos + k + 1;
                    }
                }
            }
            last = false;
        }
        return 0;
    }

    /** Sends the lines between {@code from} and {@code end}, each cut at {@link #MAX_LINE_BYTES}. */
    static void stream(FileChannel f, long from, long end, LineSink sink) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(8192);
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        boolean cut = false;
        long pos = from;
        while (pos < end) {
            buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
            int r = f.read(buf, pos);
            if (r <= 0) {
                break; // truncated meanwhile (a flush)
            }
            pos += r;
            buf.flip();
            while (buf.hasRemaining()) {
                byte b = buf.get();
                if (b == '\n') {
                    sink.accept(line.toString(StandardCharsets.UTF_8) + (cut ? " [cut: longer than " + MAX_LINE_BYTES + " bytes]" : ""));
                    line.reset();
                    cut = false;
                } else if (line.size() < MAX_LINE_BYTES) {
                    line.write(b);
                } else {
                    cut = true;
                }
            }
        }
        if (line.size() > 0 || cut) {
            sink.accept(line.toString(StandardCharsets.UTF_8));
        }
    }
}
