package dev.brigade.cluster.internal;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;

/** The libc socket calls the primary needs to bind a listening socket whose descriptor it can hand out. */
interface Sockets extends Library {
    Sockets INSTANCE = Native.load("c", Sockets.class);

    int AF_INET = 2;
    int AF_INET6 = 10;
    int SOCK_STREAM = 1;
    int SOCK_CLOEXEC = 0x80000;
    int SOL_SOCKET = 1;
    int SO_REUSEADDR = 2;
    int IPPROTO_IPV6 = 41;
    int IPV6_V6ONLY = 26;

    int socket(int domain, int type, int protocol);

    int setsockopt(int fd, int level, int name, IntByReference value, int length);

    int bind(int fd, byte[] address, int length);

    int listen(int fd, int backlog);

    int getsockname(int fd, byte[] address, IntByReference length);

    int close(int fd);

    String strerror(int errnum);
}
