package dev.brigade.agent.support;

import com.sun.jna.Library;
import com.sun.jna.Native;

/** The few libc calls the harness needs that the JDK does not offer (pipes to hand down, reaping). */
interface Posix extends Library {
    Posix C = Native.load("c", Posix.class);
    int O_CLOEXEC = 0x80000;
    int SIGKILL = 9;
    int SIGCONT = 18;
    int SIGSTOP = 19;

    int pipe2(int[] fds, int flags);

    int close(int fd);

    int waitpid(int pid, int[] status, int options);

    int kill(int pid, int signal);
}
