package dev.brigade.cluster.internal;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts a process through posix_spawn so that exactly the descriptors we choose reach it.
 *
 * <p>Why not ProcessBuilder: it closes every descriptor above 2 in the child, so a listening
 * socket cannot be handed over. Here the child gets: fd 0 = /dev/null, fd 1 and 2 = pipes read
 * by the primary, fd 3, 4, ... = the {@code inherit} descriptors in order, and nothing else
 * ({@code closefrom}: the JDK opens its descriptors without O_CLOEXEC, six of them leaked in
 * the spike without it). The signal mask and dispositions are reset (a JVM blocks some signals
 * in its threads) and the child leads a new process group, so that {@code kill(-pid)} reaches
 * its whole tree and a terminal's Ctrl-C reaches only the primary, which drains.
 */
public final class Spawner {
    private static final Libc C = Libc.INSTANCE;

    /** A started child: its pid and the primary's (read) ends of its stdout and stderr pipes. */
    public record Spawned(int pid, int stdoutFd, int stderrFd) {
    }

    private Spawner() {
    }

    /**
     * Spawns {@code argv} with exactly {@code env} as environment.
     *
     * @param inherit descriptors of this process that the child receives as fd 3, 4, ...; they stay
     *                open here
     * @throws IOException with the errno text if the process could not be started (missing or
     *                     non-executable program, descriptor limit...)
     */
    public static Spawned spawn(String executable, List<String> argv, Map<String, String> env, List<Integer> inherit)
            throws IOException {
        int[] out = pipe();
        int[] err;
        try {
            err = pipe();
        } catch (IOException e) {
            closeAll(out[0], out[1]);
            throw e;
        }
        int firstFree = 3 + inherit.size();
        List<Integer> temps = new ArrayList<>();
        Memory actions = new Memory(Libc.FILE_ACTIONS_SIZE);
        Memory attr = new Memory(Libc.SPAWNATTR_SIZE);
        Memory sigset = new Memory(Libc.SIGSET_SIZE);
        boolean ok = false;
        try {
            // Copy the inherited descriptors above the target range first: dup2(4 -> 3) must
            // never clobber a descriptor that is itself still to be copied to 4.
            for (int fd : inherit) {
                int temp = C.fcntl(fd, Libc.F_DUPFD_CLOEXEC, firstFree + 8);
                if (temp < 0) {
                    throw new IOException("cannot duplicate descriptor " + fd + " for the worker: " + errno());
                }
                temps.add(temp);
            }
            check(C.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
            try {
                check(C.posix_spawn_file_actions_addopen(actions, 0, "/dev/null", Libc.O_RDONLY, 0), "addopen stdin");
                check(C.posix_spawn_file_actions_adddup2(actions, out[1], 1), "adddup2 stdout");
                check(C.posix_spawn_file_actions_adddup2(actions, err[1], 2), "adddup2 stderr");
                for (int i = 0; i < temps.size(); i++) {
                    check(C.posix_spawn_file_actions_adddup2(actions, temps.get(i), 3 + i), "adddup2 inherited");
                }
                check(C.posix_spawn_file_actions_addclosefrom_np(actions, firstFree), "addclosefrom_np");
                check(C.posix_spawnattr_init(attr), "posix_spawnattr_init");
                try {
                    C.sigemptyset(sigset);
                    check(C.posix_spawnattr_setsigmask(attr, sigset), "setsigmask");
                    C.sigfillset(sigset);
                    check(C.posix_spawnattr_setsigdefault(attr, sigset), "setsigdefault");
                    check(C.posix_spawnattr_setpgroup(attr, 0), "setpgroup");
                    check(C.posix_spawnattr_setflags(attr, (short) (Libc.POSIX_SPAWN_SETSIGMASK
                            | Libc.POSIX_SPAWN_SETSIGDEF | Libc.POSIX_SPAWN_SETPGROUP)), "setflags");
                    IntByReference pid = new IntByReference();
                    String[] args = argv.toArray(String[]::new);
                    String[] envp = env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
                    int rc = C.posix_spawn(pid, executable, actions, attr, args, envp);
                    if (rc != 0) {
                        throw new IOException("posix_spawn(" + executable + ") failed: " + C.strerror(rc) + " (errno " + rc + ")");
                    }
                    ok = true;
                    return new Spawned(pid.getValue(), out[0], err[0]);
                } finally {
                    C.posix_spawnattr_destroy(attr);
                }
            } finally {
                C.posix_spawn_file_actions_destroy(actions);
            }
        } finally {
            temps.forEach(C::close);
            closeAll(out[1], err[1]);
            if (!ok) {
                closeAll(out[0], err[0]);
            }
        }
    }

    /** Sends {@code signal} to the process, or to its whole group when {@code group} is set. */
    public static boolean kill(int pid, int signal, boolean group) {
        return C.kill(group ? -pid : pid, signal) == 0;
    }

    /**
     * Gives every thread of the process group {@code pgid} (a child spawned here leads its own) the lowest CPU priority,
     * nice 19. A JVM killed after this tears down its memory, in the kernel, at that priority: on a small machine a
     * dropped standby's exit yields the CPU to the start it was dropped for. False if the group is gone.
     */
    public static boolean lowestPriority(int pgid) {
        return C.setpriority(Libc.PRIO_PGRP, pgid, 19) == 0;
    }

    static int[] pipe() throws IOException {
        int[] fds = new int[2];
        if (C.pipe2(fds, Libc.O_CLOEXEC) != 0) {
            throw new IOException("pipe2 failed: " + errno());
        }
        return fds;
    }

    private static void check(int rc, String what) throws IOException {
        if (rc != 0) {
            throw new IOException(what + " failed: " + C.strerror(rc) + " (errno " + rc + ")");
        }
    }

    static String errno() {
        int e = Native.getLastError();
        return C.strerror(e) + " (errno " + e + ")";
    }

    static void closeAll(int... fds) {
        for (int fd : fds) {
            C.close(fd);
        }
    }

}
