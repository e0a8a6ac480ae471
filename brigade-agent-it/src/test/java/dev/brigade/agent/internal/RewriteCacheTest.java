package dev.brigade.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brigade.agent.support.RecordingInstrumentation;
import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bind rewriter keeps the JDK classes it rewrote in the file its primary names, and a later worker takes them from
 * there only for the very bytes they were made from; a damaged file is never used (its bytes would join java.base,
 * which the JVM does not verify).
 */
class RewriteCacheTest {
    private static final String SSCI = "sun/nio/ch/ServerSocketChannelImpl";

    private static byte[] jdkClass(String name) throws Exception {
        return Files.readAllBytes(FileSystems.getFileSystem(URI.create("jrt:/")).getPath("modules", "java.base", name + ".class"));
    }

    @Test
    void a_rewritten_class_is_kept_private_and_served_for_the_same_bytes_only(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("agent.rewrites");
        byte[] original = jdkClass(SSCI);
        BindRewriter first = new BindRewriter(file.toString());
        byte[] rewritten = first.transform(null, SSCI, null, null, original);
        assertThat(rewritten).isNotNull().isNotEqualTo(original);
        first.saveCache();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");

        assertThat(RewriteCache.open(file.toString()).lookup(SSCI, original)).isEqualTo(rewritten);
        BindRewriter second = new BindRewriter(file.toString());
        assertThat(second.transform(null, SSCI, null, null, original)).isEqualTo(rewritten);
        assertThat(second.rewrote(SSCI.replace('/', '.'))).isTrue();

        byte[] other = original.clone();
        other[other.length - 1] ^= 1; // another JDK's class of that name
        assertThat(RewriteCache.open(file.toString()).lookup(SSCI, other)).as("other bytes: rewritten anew").isNull();
        assertThat(RewriteCache.open(file.toString()).lookup("sun/nio/ch/NioSocketImpl", jdkClass("sun/nio/ch/NioSocketImpl"))).isNull();
    }

    /*
     * A worker leaves once, long after it started: its write paths' rewrite (made with ASM, 22-38 ms of CPU beside the
     * new worker's first requests) is kept in the same file under its own key, and a worker started before that leave
     * takes it in when it leaves itself. A retransformation hands over bytes the JVM rebuilt, which differ from those
     * of the class's first load: both forms are kept.
     */
    @Test
    void a_leave_keeps_the_write_paths_rewrite_beside_the_bind_rewrites_and_a_later_leave_takes_it(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("agent.rewrites");
        String writes = "sun/nio/ch/SocketChannelImpl";
        byte[] original = jdkClass(writes);
        BindRewriter bind = new BindRewriter(file.toString());
        byte[] boundAtStart = bind.transform(null, SSCI, null, null, jdkClass(SSCI));
        bind.saveCache(); // the first worker's start
        BindRewriter laterBind = new BindRewriter(file.toString()); // a worker started before the first one leaves
        RecordingInstrumentation rec = new RecordingInstrumentation();

        CloseRewriter first = new CloseRewriter(bind.cache(), bind);
        first.arm(rec.inst);
        byte[] rewritten = first.transform(null, writes, null, null, original);
        assertThat(rewritten).isNotNull().isNotEqualTo(original);
        byte[] rebuilt = jdkClass(SSCI).clone();
        rebuilt[rebuilt.length - 1] ^= 1; // the form a retransformation hands over
        bind.transform(null, SSCI, null, null, rebuilt);
        first.arm(rec.inst); // arming saves what its retransformation rewrote
        RewriteCache saved = RewriteCache.open(file.toString());
        assertThat(saved.lookup(CloseRewriter.CACHE_PREFIX + writes, original)).isEqualTo(rewritten);
        assertThat(saved.lookup(writes, original)).as("under its own key").isNull();
        assertThat(saved.lookup(SSCI, jdkClass(SSCI))).as("the bind rewrite of the first load stays beside the other form")
                .isEqualTo(boundAtStart);
        assertThat(saved.lookup(SSCI, rebuilt)).isNotNull();

        CloseRewriter later = new CloseRewriter(laterBind.cache(), laterBind);
        later.arm(rec.inst); // takes in what the first leave kept
        assertThat(laterBind.cache().lookup(CloseRewriter.CACHE_PREFIX + writes, original)).isEqualTo(rewritten);
        assertThat(later.transform(null, writes, null, null, original)).isEqualTo(rewritten);
        assertThat(later.rewritten()).contains(writes);
    }

    @Test
    void a_damaged_or_torn_file_is_ignored(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("agent.rewrites");
        byte[] original = jdkClass(SSCI);
        BindRewriter r = new BindRewriter(file.toString());
        r.transform(null, SSCI, null, null, original);
        r.saveCache();
        byte[] good = Files.readAllBytes(file);

        byte[] flipped = good.clone();
        flipped[good.length / 2] ^= 0x10; // inside the rewritten class
        Files.write(file, flipped);
        assertThat(RewriteCache.open(file.toString()).lookup(SSCI, original)).as("a flipped bit").isNull();

        Files.write(file, java.util.Arrays.copyOf(good, good.length - 100));
        assertThat(RewriteCache.open(file.toString()).lookup(SSCI, original)).as("a torn write").isNull();

        Files.write(file, good);
        assertThat(RewriteCache.open(file.toString()).lookup(SSCI, original)).as("intact again").isNotNull();
        assertThat(RewriteCache.open(null).lookup(SSCI, original)).as("no file named").isNull();
    }
}
