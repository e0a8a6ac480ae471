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
 * `brigade ls`, and the commands that only talk to the daemon, without a JVM of their own. A
 * client JVM starts in ~30 ms bare, but a command costs ~0.25 s: picocli's model (its Java 5 class
 * files cannot be archived), Jackson, and ~35 ms to open a Unix socket (the JDK seeds a
 * SecureRandom for it). PM2's `pm2 ls` takes ~0.2 s. So the launcher (./brigade) asks the daemon,
 * in bash, over two named pipes in BRIGADE_HOME, whose 0700 mode keeps them private to the user
 * like the control socket:
 *
 *   1. the client makes its reply pipe ls-<pid>.fifo (0600) and opens it read-write (so neither
 *      end ever blocks on open);
 *   2. it writes one line to ls.fifo, opened read-write too (a line shorter than PIPE_BUF is
 *      written whole, whatever other clients do):
 *        "ls table <pid>" / "ls json <pid>": the daemon answers "ok <n>" then n lines (Listing's
 *        table or JSON, the text the Java path prints);
 *        "cli <pid>": the command is in cli-<pid>.req (0600; NUL-separated: the client's cwd, PATH
 *        and java, then the arguments). The daemon runs it with its CliRunner (the CLI itself, with
 *        that cwd, PATH and java) and answers "ok <code> <out> <err>" then the lines of stdout and of
 *        stderr; or "no" (no runner, a command not in CliRunner.COMMANDS, a bad request file), and
 *        the client runs the command in a JVM of its own;
 *   3. it unlinks the reply pipe once it has opened it for writing.
 *
 * Nothing a client writes can run anything but those commands, which the same user could run
 * anyway: a line that is not a well-formed request is dropped (garbage, a line too long, a reply
 * pipe that is not a pipe or is gone). Replies are written non-blocking with a deadline, so a
 * client that stops reading costs one thread for at most REPLY_TIMEOUT_MS; at most MAX_REPLIES
 * are in progress (a `reload` can take minutes). The client gives up on a dead daemon at once
 * (ls.pid) and takes the ordinary path, which reports whatever is wrong.
 */

/** Answers {@code ls}, and runs daemon-only commands, on the named pipe {@code BRIGADE_HOME/ls.fifo} for the launcher's bash client. */
final class ListFifo {
    static final int MAX_LINE = 128;
    static final int REPLY_TIMEOUT_MS = 3000;
    private static final int MAX_REPLIES = 8;

    static final int MAX_REQUEST_FILE = 256 * 1024;

    private final Home home;
    private final Supplier<List<AppInfo>> apps;
    private final CliRunner cli; // null: "cli" requests are refused
    private final Semaphore replies = new Semaphore(MAX_REPLIES);

    ListFifo(Home home, Supplier<List<AppInfo>> apps, CliRunner cli) {
        this.home = home;
        this.apps = apps;
        this.cli = cli;
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
            // "PID STARTTIME": the launcher checks both against /proc/PID/stat, so a reused pid is never taken for the daemon
            PrivateFiles.write(pidFile(home), (ProcessHandle.current().pid() + " " + startTime() + "\n").getBytes(StandardCharsets.US_ASCII));
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
        } catch (Throwable e) {
            // an OutOfMemoryError too: reported; the clients take the ordinary path once their read times out
            System.err.println(Daemon.stamp() + " brigade daemon: the quick path for ls stopped: " + e);
        }
    }

    /** This process's start time in clock ticks since boot (field 22 of /proc/self/stat). */
    static String startTime() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19];
    }

    /** One request line; anything but {@code ls table|json <pid>} or {@code cli <pid>} is dropped. */
    void request(String line) {
        String[] w = line.split(" ");
        boolean ls = w.length == 3 && w[0].equals("ls") && (w[1].equals("table") || w[1].equals("json"));
        boolean command = w.length == 2 && w[0].equals("cli");
        if (!(ls || command) || !w[w.length - 1].matches("[1-9][0-9]{0,9}")) {
            return;
        }
        String pid = w[w.length - 1];
        Path reply = home.dir().resolve("ls-" + pid + ".fifo");
        if (!isPipe(reply)) {
            return; // not a pipe, or gone
        }
        if (!replies.tryAcquire()) {
            reply(reply, NO); // MAX_REPLIES in progress: the client runs it in a JVM of its own (3 bytes: never blocks)
            return;
        }
        java.util.function.Supplier<String> answer = ls ? () -> text(w[1].equals("json")) : () -> command(pid);
        Thread.ofPlatform().daemon().name("brigade-fifo-reply").start(() -> {
            String text = NO;
            try {
                text = answer.get();
            } catch (Throwable t) {
                // an Error in a command: the client must not wait for an answer that never comes
            } finally {
                reply(reply, text);
                replies.release();
            }
        });
    }

    /** "Not here": the client runs the command in a JVM of its own. */
    static final String NO = "no\n";

    private static boolean isPipe(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther() && PrivateFiles.ownedByMe(p);
        } catch (IOException e) {
            return false;
        }
    }

    /** The {@code ls} answer: "ok N" and N lines. */
    private String text(boolean json) {
        List<AppInfo> list = apps.get();
        String text = json ? Listing.json(list) : Listing.table(list);
        return "ok " + lines(text) + "\n" + text;
    }

    /**
     * Runs the command of {@code cli-PID.req} (NUL-separated: cwd, PATH, java, then the arguments) and
     * answers "ok CODE OUT ERR" then OUT lines of stdout and ERR lines of stderr; "no" when it will not
     * (no runner, a command not in {@link CliRunner#COMMANDS}, a request file that is not one): the client
     * then runs the command in a JVM of its own.
     */
    private String command(String pid) {
        Path req = home.dir().resolve("cli-" + pid + ".req");
        List<String> fields;
        try {
            String refused = refusal(req);
            if (refused != null) {
                System.err.println(Daemon.stamp() + " brigade daemon: refused the request file " + req + ": " + refused);
                return NO;
            }
            fields = List.of(readNoFollow(req).split("\0", -1));
        } catch (IOException | RuntimeException e) {
            return NO;
        } finally {
            try {
                Files.deleteIfExists(req);
            } catch (IOException ignored) {
                // the client removes it too
            }
        }
        // cwd, PATH, java, command, args..., and the empty string after the last NUL
        if (cli == null || fields.size() < 5 || !fields.get(fields.size() - 1).isEmpty() || !CliRunner.COMMANDS.contains(fields.get(3))
                || !fields.get(0).startsWith("/")) {
            return NO;
        }
        var out = new java.io.ByteArrayOutputStream();
        var err = new java.io.ByteArrayOutputStream();
        int code;
        try (var o = new java.io.PrintStream(out, true, StandardCharsets.UTF_8); var e = new java.io.PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = cli.run(fields.subList(3, fields.size() - 1), Path.of(fields.get(0)), fields.get(1), fields.get(2), o, e);
        } catch (RuntimeException e) {
            return NO; // an unexpected failure: the JVM path reports it
        }
        String o = endLine(out.toString(StandardCharsets.UTF_8));
        String e = endLine(err.toString(StandardCharsets.UTF_8));
        return "ok " + code + " " + lines(o) + " " + lines(e) + "\n" + o + e;
    }

    /**
     * Why a request file must not be run, or null: it must be a regular file (not a link, a pipe or a device) of this
     * user, mode 0600, with one link (not a hard link to a file someone else could write), at most MAX_REQUEST_FILE.
     */
    static String refusal(Path req) throws IOException {
        var a = Files.readAttributes(req, "unix:uid,mode,nlink,size,isRegularFile", LinkOption.NOFOLLOW_LINKS);
        int me = PrivateFiles.uid();
        if (!Boolean.TRUE.equals(a.get("isRegularFile"))) {
            return "not a regular file";
        }
        if ((Integer) a.get("uid") != me) {
            return "owned by uid " + a.get("uid") + ", not by the daemon's uid " + me;
        }
        if (((Integer) a.get("mode") & 07777) != 0600) {
            return "mode " + Integer.toOctalString((Integer) a.get("mode") & 07777) + ", not 600";
        }
        if ((Integer) a.get("nlink") != 1) {
            return a.get("nlink") + " hard links";
        }
        if ((Long) a.get("size") > MAX_REQUEST_FILE) {
            return "larger than " + MAX_REQUEST_FILE + " bytes";
        }
        return null;
    }

    /** The file's text, opened without following a link (a link swapped in after the check fails here), bounded. */
    private static String readNoFollow(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer b = ByteBuffer.allocate(MAX_REQUEST_FILE + 1);
            while (b.hasRemaining() && ch.read(b) >= 0) {
                // until EOF or one byte over the limit
            }
            if (!b.hasRemaining()) {
                throw new IOException("larger than " + MAX_REQUEST_FILE + " bytes");
            }
            return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
        }
    }

    private static String endLine(String s) {
        return s.isEmpty() || s.endsWith("\n") ? s : s + "\n";
    }

    private static long lines(String text) {
        return text.chars().filter(c -> c == '\n').count();
    }

    private void reply(Path reply, String answer) {
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
            write(fd, answer.getBytes(StandardCharsets.UTF_8));
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

        int pipe2(int[] fds, int flags);

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
