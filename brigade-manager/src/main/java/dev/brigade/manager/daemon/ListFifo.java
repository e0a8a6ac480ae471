package dev.brigade.manager.daemon;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/*
 * `brigade ls` without a JVM. `ls` is what people run most; PM2 answers it in ~0.2 s, and a
 * client JVM cannot come close to a third of that: a bare JVM starts in ~30 ms, and opening a
 * Unix socket costs another ~35 ms on its own (the JDK seeds a SecureRandom for it). So the
 * launcher (./brigade) answers `ls` in bash when the daemon runs, over two named pipes in
 * BRIGADE_HOME, whose 0700 mode keeps them private to the user like the control socket:
 *
 *   1. the client makes its reply pipe ls-<pid>.fifo (0600) and opens it read-write (so neither
 *      end ever blocks on open);
 *   2. it writes one line, "ls table <pid>" or "ls json <pid>", to ls.fifo, opened read-write too
 *      (a line shorter than PIPE_BUF is written whole, whatever other clients do);
 *   3. the daemon answers on ls-<pid>.fifo: "ok <n>" then n lines (Listing's table or JSON, the
 *      same text as the Java path prints), and unlinks the pipe.
 *
 * The client gives up after a few seconds and takes the ordinary path, which reports whatever is
 * wrong. This is read-only by construction: the only request is `ls`, so nothing written to the
 * pipe can change an app, and a line that is not a well-formed request is dropped (garbage, a
 * line too long, a reply pipe that is not a pipe or is gone). Replies are written non-blocking
 * with a deadline, so a client that stops reading costs one thread for at most REPLY_TIMEOUT_MS.
 */

/** Answers {@code ls} on the named pipe {@code BRIGADE_HOME/ls.fifo}, for the launcher's bash path. */
final class ListFifo {
    static final int MAX_LINE = 128;
    static final int REPLY_TIMEOUT_MS = 3000;
    private static final int MAX_REPLIES = 8;

    private final Home home;
    private final Supplier<List<AppInfo>> apps;
    private final Semaphore replies = new Semaphore(MAX_REPLIES);

    ListFifo(Home home, Supplier<List<AppInfo>> apps) {
        this.home = home;
        this.apps = apps;
    }

    static Path path(Home home) {
        return home.dir().resolve("ls.fifo");
    }

    /** The serving process's pid, so the client can tell a live daemon from a dead one's pipe without waiting. */
    static Path pidFile(Home home) {
        return home.dir().resolve("ls.pid");
    }

    /** Removes the pipe and the pid file (the daemon is stopping). */
    static void remove(Home home) {
        try {
            Files.deleteIfExists(path(home));
            Files.deleteIfExists(pidFile(home));
        } catch (IOException ignored) {
            // a later daemon replaces them; a client finds no live pid meanwhile
        }
    }

    /** Creates the pipe and serves it on a thread of its own; false (and the Java path only) if it cannot. */
    boolean start() {
        Path fifo = path(home);
        FileChannel ch;
        try {
            Files.deleteIfExists(fifo);
            if (Posix.LIB.mkfifo(fifo.toString(), 0600) != 0) {
                throw new IOException(Posix.error(Native.getLastError()));
            }
            ch = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE); // O_RDWR: never sees EOF
            Files.writeString(pidFile(home), ProcessHandle.current().pid() + "\n");
        } catch (IOException | RuntimeException | LinkageError e) {
            System.err.println("brigade daemon: no quick path for ls (" + fifo + ": " + e.getMessage() + "); ls starts a JVM");
            return false;
        }
        Thread.ofPlatform().daemon().name("brigade-ls-fifo").start(() -> serve(ch));
        return true;
    }

    private void serve(FileChannel ch) {
        ByteBuffer buf = ByteBuffer.allocate(4096);
        byte[] line = new byte[MAX_LINE];
        int len = 0;
        boolean overlong = false;
        try {
            while (ch.read(buf.clear()) > 0) {
                buf.flip();
                while (buf.hasRemaining()) {
                    byte b = buf.get();
                    if (b == '\n') {
                        if (!overlong) {
                            request(new String(line, 0, len, StandardCharsets.US_ASCII));
                        }
                        len = 0;
                        overlong = false;
                    } else if (len < MAX_LINE) {
                        line[len++] = b;
                    } else {
                        overlong = true;
                    }
                }
            }
        } catch (IOException e) {
            System.err.println("brigade daemon: the quick path for ls stopped: " + e.getMessage());
        }
    }

    /** One request line; anything but {@code ls table|json <pid>} is dropped. */
    void request(String line) {
        String[] w = line.split(" ");
        if (w.length != 3 || !w[0].equals("ls") || !(w[1].equals("table") || w[1].equals("json"))
                || !w[2].matches("[1-9][0-9]{0,9}")) {
            return;
        }
        Path reply = home.dir().resolve("ls-" + w[2] + ".fifo");
        try {
            if (!Files.readAttributes(reply, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
                return; // not a pipe
            }
        } catch (IOException e) {
            return; // gone
        }
        if (!replies.tryAcquire()) {
            return; // the client times out and takes the Java path
        }
        boolean json = w[1].equals("json");
        Thread.ofPlatform().daemon().name("brigade-ls-reply").start(() -> {
            try {
                reply(reply, json);
            } finally {
                replies.release();
            }
        });
    }

    private void reply(Path reply, boolean json) {
        int fd = Posix.LIB.open(reply.toString(), Posix.O_WRONLY | Posix.O_NONBLOCK | Posix.O_NOFOLLOW | Posix.O_CLOEXEC);
        if (fd < 0) {
            return; // ENXIO: nobody reads it any more
        }
        try {
            try {
                Files.deleteIfExists(reply);
            } catch (IOException ignored) {
                // the client removes it too
            }
            List<AppInfo> list = apps.get();
            String text = json ? Listing.json(list) : Listing.table(list);
            long lines = text.chars().filter(c -> c == '\n').count();
            write(fd, ("ok " + lines + "\n" + text).getBytes(StandardCharsets.UTF_8));
        } finally {
            Posix.LIB.close(fd);
        }
    }

    /** Writes everything, waiting for room in the pipe until the deadline. */
    private static void write(int fd, byte[] bytes) {
        long deadline = System.nanoTime() + REPLY_TIMEOUT_MS * 1_000_000L;
        byte[] rest = bytes;
        while (rest.length > 0) {
            int n = Posix.LIB.write(fd, rest, rest.length);
            if (n > 0) {
                rest = Arrays.copyOfRange(rest, n, rest.length); // only when the pipe was full (a reply > 64 KiB)
                continue;
            }
            int errno = Native.getLastError();
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (n < 0 && errno != Posix.EAGAIN && errno != Posix.EINTR || left <= 0) {
                return; // EPIPE: the client left; or it stopped reading
            }
            Posix.LIB.poll(new Posix.PollFd(fd), 1, (int) left);
        }
    }

    /** The few libc calls Java has no API for: mkfifo, a non-blocking open and poll. */
    interface Posix extends Library {
        Posix LIB = Native.load("c", Posix.class);
        int O_WRONLY = 1;
        int O_NONBLOCK = 0x800;
        int O_NOFOLLOW = 0x20000;
        int O_CLOEXEC = 0x80000;
        int EINTR = 4;
        int EAGAIN = 11;
        short POLLOUT = 4;

        int mkfifo(String path, int mode);

        int open(String path, int flags);

        int write(int fd, byte[] buffer, int count);

        int poll(PollFd fds, int count, int timeoutMs);

        int close(int fd);

        String strerror(int errno);

        static String error(int errno) {
            return LIB.strerror(errno) + " (errno " + errno + ")";
        }

        /** struct pollfd. */
        @com.sun.jna.Structure.FieldOrder({"fd", "events", "revents"})
        final class PollFd extends com.sun.jna.Structure {
            public int fd;
            public short events;
            public short revents;

            public PollFd() {
            }

            PollFd(int fd) {
                this.fd = fd;
                this.events = POLLOUT;
            }
        }
    }
}
