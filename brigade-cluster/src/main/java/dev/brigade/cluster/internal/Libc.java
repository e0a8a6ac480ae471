package dev.brigade.cluster.internal;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

/**
 * The few libc calls the JDK does not offer: posix_spawn with file actions (to pass chosen
 * descriptors to a child), waitpid on one pid (exact exit status, reaping), kill (signals and
 * process groups), raw pipe I/O, and the socket calls that bind a listener whose descriptor can be
 * handed to workers. glibc on Linux x86_64/aarch64 only; sizes and flag values
 * below are glibc's.
 */
interface Libc extends Library {
    Libc INSTANCE = Native.load("c", Libc.class);

    /** Generous upper bounds of glibc's opaque structs (80, 336 and 128 bytes on x86_64). */
    int FILE_ACTIONS_SIZE = 256;
    int SPAWNATTR_SIZE = 512;
    int SIGSET_SIZE = 128;

    short POSIX_SPAWN_SETPGROUP = 0x02;
    short POSIX_SPAWN_SETSIGDEF = 0x04;
    short POSIX_SPAWN_SETSIGMASK = 0x08;

    int O_RDONLY = 0;
    int O_CLOEXEC = 0x80000;
    int F_DUPFD_CLOEXEC = 1030;
    int EINTR = 4;
    int EAGAIN = 11;
    int ESRCH = 3;
    int ECHILD = 10;

    int posix_spawn(IntByReference pid, String path, Pointer fileActions, Pointer attr, String[] argv, String[] envp);

    int posix_spawn_file_actions_init(Pointer fileActions);

    int posix_spawn_file_actions_destroy(Pointer fileActions);

    int posix_spawn_file_actions_adddup2(Pointer fileActions, int fd, int newFd);

    int posix_spawn_file_actions_addopen(Pointer fileActions, int fd, String path, int flags, int mode);

    int posix_spawn_file_actions_addclosefrom_np(Pointer fileActions, int from);

    int posix_spawnattr_init(Pointer attr);

    int posix_spawnattr_destroy(Pointer attr);

    int posix_spawnattr_setflags(Pointer attr, short flags);

    int posix_spawnattr_setsigmask(Pointer attr, Pointer sigset);

    int posix_spawnattr_setsigdefault(Pointer attr, Pointer sigset);

    int posix_spawnattr_setpgroup(Pointer attr, int pgroup);

    int sigemptyset(Pointer set);

    int sigfillset(Pointer set);

    int pipe2(int[] fds, int flags);

    int fcntl(int fd, int cmd, int arg);

    int close(int fd);

    int read(int fd, byte[] buffer, int count);

    int waitpid(int pid, IntByReference status, int options);

    int kill(int pid, int signal);

    int PRIO_PGRP = 1;

    int setpriority(int which, int who, int prio);

    String strerror(int errno);

    // ---- listening sockets the primary binds and hands out (Listeners) ----

    int AF_INET = 2;
    int AF_INET6 = 10;
    int SOCK_STREAM = 1;
    int SOCK_CLOEXEC = 0x80000;
    int SOL_SOCKET = 1;
    int SO_REUSEADDR = 2;

    int socket(int domain, int type, int protocol);

    int setsockopt(int fd, int level, int name, IntByReference value, int length);

    int bind(int fd, byte[] address, int length);

    int listen(int fd, int backlog);

    int connect(int fd, byte[] address, int length);

    int getsockname(int fd, byte[] address, IntByReference length);

    int getsockopt(int fd, int level, int name, IntByReference value, IntByReference length);

    /** Socket options and descriptor flags for checking an inherited socket (socket activation). */
    int SO_TYPE = 3;
    int SO_ACCEPTCONN = 30;
    int SO_DOMAIN = 39;
    int AF_UNIX = 1;
    int F_SETFD = 2;
    int FD_CLOEXEC = 1;
}
