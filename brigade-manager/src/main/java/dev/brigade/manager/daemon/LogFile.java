package dev.brigade.manager.daemon;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * One instance's log file with size-based rotation: when a line would take the file past
 * {@code maxBytes}, {@code app-0.log} becomes {@code app-0.log.1} (and {@code .1} becomes
 * {@code .2} ...), keeping at most {@code retain} rotated files. Files are 0600 in a 0700
 * directory and opened without following links ({@link PrivateFiles}): an app's output may hold
 * secrets, and nobody but the user may read it.
 *
 * <p>Never throws: a log that cannot be written (directory missing or read-only, disk full)
 * records the {@link #error()} and drops lines, and tries again at most once a second. The app
 * it logs for is never blocked or stopped by its log, and the daemon never dies of it.
 */
final class LogFile {
    private static final long RETRY_NANOS = 1_000_000_000L;

    private final Path path;
    private final long maxBytes;
    private final int retain;
    private OutputStream out;        // guarded by this; null while closed or failing
    private long size;               // guarded by this
    private volatile String error;   // the last failure, cleared by a successful write
    private long failedAt;           // guarded by this; System.nanoTime() of the last failure
    private long dropped;            // guarded by this
    private volatile long droppedTotal; // every line ever dropped, for the metrics (written under this)

    LogFile(Path path, long maxBytes, int retain) {
        this.path = path;
        this.maxBytes = maxBytes;
        this.retain = retain;
    }

    Path path() {
        return path;
    }

    /** Lines dropped because the log could not be written, since it was created (the metrics' count). */
    long droppedTotal() {
        return droppedTotal;
    }

    /**
     * Why lines are not being written, or null. A failing log is tried again here too (at most
     * once a second), so that a disk that was freed clears the warning even when the app has gone
     * quiet and no line comes to try it.
     */
    synchronized String error() {
        if (error != null && out == null && System.nanoTime() - failedAt >= RETRY_NANOS) {
            try {
                open();
                recovered();
            } catch (IOException | RuntimeException e) {
                failed(e);
            }
        }
        return error;
    }

    synchronized void append(String line) {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            if (out == null) {
                if (error != null && System.nanoTime() - failedAt < RETRY_NANOS) {
                    dropped++;
                    droppedTotal++;
                    return;
                }
                open();
            }
            if (size > 0 && size + bytes.length > maxBytes) {
                rotate();
            }
            if (error != null) {
                recovered();
            }
            out.write(bytes);
            size += bytes.length;
        } catch (IOException | RuntimeException e) {
            dropped++;
            droppedTotal++;
            failed(e);
        }
    }

    /** Writing works again: say in the log what was lost, and clear the error. */
    private void recovered() throws IOException {
        byte[] note = ("[brigade] " + dropped + " line(s) dropped while this log could not be written ("
                + error + ")\n").getBytes(StandardCharsets.UTF_8);
        out.write(note);
        size += note.length;
        error = null;
        dropped = 0;
    }

    private void failed(Exception e) {
        failedAt = System.nanoTime();
        error = "cannot write " + path + ": " + e.getMessage() + " (" + dropped + " lines dropped)";
        closeQuietly();
    }

    /** Empties the file and deletes the rotated ones. */
    synchronized void flush() {
        closeQuietly();
        try {
            for (int i = 1; i <= retain; i++) {
                Files.deleteIfExists(rotated(i));
            }
            if (Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                PrivateFiles.open(path, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING).close();
            }
            size = 0;
        } catch (IOException e) {
            error = "cannot flush " + path + ": " + e.getMessage();
        }
    }

    synchronized void close() {
        closeQuietly();
    }

    private void open() throws IOException {
        PrivateFiles.directory(path.getParent());
        java.nio.channels.FileChannel ch = PrivateFiles.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        size = ch.size();
        out = java.nio.channels.Channels.newOutputStream(ch);
    }

    private void rotate() throws IOException {
        closeQuietly();
        Files.deleteIfExists(rotated(retain));
        for (int i = retain - 1; i >= 1; i--) {
            if (Files.exists(rotated(i))) {
                Files.move(rotated(i), rotated(i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (retain > 0) {
            Files.move(path, rotated(1), StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.delete(path);
        }
        open();
    }

    private Path rotated(int i) {
        return path.resolveSibling(path.getFileName() + "." + i);
    }

    private void closeQuietly() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // the next write reopens it, and reports whatever is wrong
            }
            out = null;
        }
    }
}
