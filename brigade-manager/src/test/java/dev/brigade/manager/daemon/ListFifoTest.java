package dev.brigade.manager.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's side of the bash client's commands: every request gets an answer, so no client waits forever. */
class ListFifoTest {
    /** A client's reply pipe (opened read-write, as the launcher does) and its request file. */
    static FileChannel client(Home home, int pid, String... args) throws Exception {
        Path pipe = home.dir().resolve("ls-" + pid + ".fifo");
        assertThat(ListFifo.Posix.LIB.mkfifo(pipe.toString(), 0600)).isZero();
        StringBuilder req = new StringBuilder("/tmp\0/usr/bin:/bin\0java\0");
        for (String a : args) {
            req.append(a).append('\0');
        }
        Path file = home.dir().resolve("cli-" + pid + ".req");
        Files.writeString(file, req);
        Files.setPosixFilePermissions(file, PrivateFiles.FILE); // as the launcher makes it (umask 077)
        return FileChannel.open(pipe, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    static String answer(FileChannel ch) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try {
                ByteBuffer b = ByteBuffer.allocate(256);
                ch.read(b);
                return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).get(20, TimeUnit.SECONDS);
    }

    @Test
    void whenEveryReplySlotIsBusy_theNextClientHearsNo_atOnce(@TempDir Path dir) throws Exception {
        Home home = new Home(dir);
        CountDownLatch release = new CountDownLatch(1);
        ListFifo fifo = new ListFifo(home, List::of, (args, cwd, path, java, out, err) -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.print("done " + args.get(0));
            return 0;
        });
        List<FileChannel> busy = new ArrayList<>();
        for (int pid = 1001; pid <= 1008; pid++) {
            busy.add(client(home, pid, "describe", "x"));
            fifo.request("cli " + pid);
        }
        try (FileChannel ninth = client(home, 1009, "describe", "x")) {
            fifo.request("cli 1009");
            assertThat(answer(ninth)).isEqualTo("no\n");
        }
        release.countDown();
        for (FileChannel ch : busy) {
            try (ch) {
                assertThat(answer(ch)).isEqualTo("ok 0 1 0\ndone describe\n");
            }
        }
    }

    @Test
    void aCommandThatThrowsAnError_isAnsweredNo_andCommandsOutsideTheListAreNotRun(@TempDir Path dir) throws Exception {
        Home home = new Home(dir);
        List<String> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
        ListFifo fifo = new ListFifo(home, List::of, (args, cwd, path, java, out, err) -> {
            ran.add(args.get(0));
            throw new StackOverflowError("boom");
        });
        try (FileChannel ch = client(home, 2001, "start", "x")) {
            fifo.request("cli 2001");
            assertThat(answer(ch)).isEqualTo("no\n");
        }
        try (FileChannel ch = client(home, 2002, "kill")) {
            fifo.request("cli 2002");
            assertThat(answer(ch)).isEqualTo("no\n");
        }
        assertThat(ran).containsExactly("start");
        assertThat(dir).isDirectoryNotContaining("glob:**/cli-*.req"); // request files are removed
    }

    /** Runs {@code cli PID} against a request file prepared by {@code tamper}; returns the answer and what ran. */
    private static String tampered(Path dir, int pid, TamperedFile tamper, List<String> ran) throws Exception {
        Home home = new Home(dir);
        ListFifo fifo = new ListFifo(home, List::of, (args, cwd, path, java, out, err) -> {
            ran.add(String.join(" ", args));
            return 0;
        });
        try (FileChannel ch = client(home, pid, "start", "--name", "evil", "--", "touch", "/tmp/pwned")) {
            tamper.apply(home.dir().resolve("cli-" + pid + ".req"));
            fifo.request("cli " + pid);
            return answer(ch);
        }
    }

    interface TamperedFile {
        void apply(Path req) throws Exception;
    }

    @Test
    void aRequestFileReadableOrWritableByOthers_isRefused_notRun(@TempDir Path dir) throws Exception {
        List<String> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
        assertThat(tampered(dir, 3001, req -> Files.setPosixFilePermissions(req,
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-")), ran)).isEqualTo("no\n");
        assertThat(ran).isEmpty();
    }

    @Test
    void aRequestFileThatIsASymbolicLink_isRefused_andItsTargetIsNotRead(@TempDir Path dir) throws Exception {
        List<String> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
        assertThat(tampered(dir, 3002, req -> {
            Path real = Files.move(req, req.resolveSibling("elsewhere"));
            Files.createSymbolicLink(req, real);
        }, ran)).isEqualTo("no\n");
        assertThat(ran).isEmpty();
    }

    @Test
    void aRequestFileWithASecondHardLink_isRefused(@TempDir Path dir) throws Exception {
        List<String> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
        assertThat(tampered(dir, 3003, req -> Files.createLink(req.resolveSibling("other-name"), req), ran)).isEqualTo("no\n");
        assertThat(ran).isEmpty();
    }

    @Test
    void aRequestFileOfAnotherUser_isRefused(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(PrivateFiles.uid() == 0,
                "skipped: giving a file to another user needs root (CI runs as root)");
        List<String> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
        assertThat(tampered(dir, 3004, req -> Files.setAttribute(req, "unix:uid", 65534,
                java.nio.file.LinkOption.NOFOLLOW_LINKS), ran)).isEqualTo("no\n");
        assertThat(ran).isEmpty();
    }

    @Test
    void aWellFormedPrivateRequestFile_stillRuns(@TempDir Path dir) throws Exception {
        List<String> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
        assertThat(tampered(dir, 3005, req -> { }, ran)).startsWith("ok 0 ");
        assertThat(ran).containsExactly("start --name evil -- touch /tmp/pwned");
    }

    @Test
    void junkLines_andOverlongLines_areDropped_andTheFifoStillAnswers(@TempDir Path dir) throws Exception {
        Home home = new Home(dir);
        ListFifo fifo = new ListFifo(home, List::of, null);
        assertThat(fifo.start()).isTrue();
        Path pipe = ListFifo.path(home);
        try (FileChannel w = FileChannel.open(pipe, StandardOpenOption.WRITE)) {
            java.util.Random r = new java.util.Random(42);
            byte[] junk = new byte[64 * 1024];
            r.nextBytes(junk);
            w.write(ByteBuffer.wrap(junk));
            w.write(ByteBuffer.wrap(("x".repeat(10_000) + "\nls table 99999999999\ncli ../../etc/passwd\nls json 0\n")
                    .getBytes(StandardCharsets.US_ASCII)));
            Path reply = home.dir().resolve("ls-4001.fifo");
            assertThat(ListFifo.Posix.LIB.mkfifo(reply.toString(), 0600)).isZero();
            try (FileChannel ch = FileChannel.open(reply, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                w.write(ByteBuffer.wrap("\nls json 4001\n".getBytes(StandardCharsets.US_ASCII)));
                assertThat(answer(ch)).isEqualTo("ok 1\n[ ]\n");
            }
        }
    }
}
