package dev.brigade.cluster.internal;

import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;
import dev.brigade.cluster.ExitStatus;
import java.util.concurrent.CompletableFuture;

/**
 * Waits for one child with {@code waitpid(pid)} on a thread of its own, which both reaps it (no
 * zombie) and yields the exact exit code or signal. Never {@code waitpid(-1)}: that would steal
 * the statuses of processes the JDK started ({@code ProcessHandle.onExit} fires while the child
 * is still a zombie and does not reap it).
 */
public final class Reaper {
    private Reaper() {
    }

    /** Starts watching {@code pid}; the future completes once the child has exited and is reaped. */
    public static CompletableFuture<ExitStatus> watch(int pid, String name) {
        CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("brigade-reaper-" + name).stackSize(256 * 1024).start(() -> {
            IntByReference status = new IntByReference();
            while (true) {
                int r = Libc.INSTANCE.waitpid(pid, status, 0);
                if (r == pid) {
                    exit.complete(decode(status.getValue()));
                    return;
                }
                int errno = Native.getLastError();
                if (r < 0 && errno != Libc.EINTR) {
                    exit.completeExceptionally(new IllegalStateException(
                            "waitpid(" + pid + ") failed: " + Libc.INSTANCE.strerror(errno) + " (errno " + errno + ")"));
                    return;
                }
            }
        });
        return exit;
    }

    /** Decodes a wait status the way glibc's WIFEXITED/WEXITSTATUS/WTERMSIG macros do. */
    static ExitStatus decode(int status) {
        int low = status & 0x7f;
        return low == 0 ? ExitStatus.exited((status >> 8) & 0xff) : ExitStatus.killedBy(low);
    }
}
