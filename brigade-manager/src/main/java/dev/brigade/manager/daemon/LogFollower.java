package dev.brigade.manager.daemon;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Answers {@code logs}: the last lines of each instance's log file as {@link Response.LogLine}
 * frames, then either an {@link Response.Ok} (done) or, with {@code follow}, every new line until
 * the client hangs up. A slow follower never slows an app: new lines go through a bounded queue
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
                    for (String text : tail(i, Math.max(0, req.lines()))) {
                        Protocol.writeResponse(ch, new Response.LogLine(a.spec().name(), i.index, false, text));
                    }
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

    /** The last {@code n} lines of the instance's log file, or of its in-memory tail if the file cannot be read. */
    static List<String> tail(Instance i, int n) {
        if (n == 0) {
            return List.of();
        }
        Path p = i.log.path();
        if (!Files.isReadable(p)) {
            List<String> mem = i.lastLines();
            return mem.subList(Math.max(0, mem.size() - n), mem.size());
        }
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "r")) {
            long end = f.length();
            long pos = end;
            int newlines = 0;
            byte[] block = new byte[8192];
            while (pos > 0 && newlines <= n) {
                int len = (int) Math.min(block.length, pos);
                pos -= len;
                f.seek(pos);
                f.readFully(block, 0, len);
                for (int k = len - 1; k >= 0; k--) {
                    if (block[k] == '\n' && ++newlines > n) {
                        pos += k + 1;
                        break;
                    }
                }
            }
            byte[] bytes = new byte[(int) (end - pos)];
            f.seek(pos);
            f.readFully(bytes);
            List<String> lines = new ArrayList<>(List.of(new String(bytes, StandardCharsets.UTF_8).split("\n", -1)));
            if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
                lines.remove(lines.size() - 1);
            }
            return lines.size() > n ? lines.subList(lines.size() - n, lines.size()) : lines;
        } catch (IOException e) {
            return Collections.emptyList();
        }
    }
}
