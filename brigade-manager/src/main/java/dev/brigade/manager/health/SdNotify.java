package dev.brigade.manager.health;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * systemd's notify protocol ({@code sd_notify(3)}): one datagram of {@code KEY=VALUE} lines to the
 * Unix datagram socket named by {@code NOTIFY_SOCKET} (a path, or {@code @name} in the abstract
 * namespace). Java has no Unix datagram sockets, hence libc through JNA, as the cluster spawns.
 */
final class SdNotify {
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int SUN_PATH = 108;

    /** The few libc calls needed. */
    interface Libc extends Library {
        Libc INSTANCE = Native.load("c", Libc.class);

        int socket(int domain, int type, int protocol);

        int sendto(int fd, byte[] buf, long len, int flags, Pointer addr, int addrlen);

        int close(int fd);
    }

    private SdNotify() {
    }

    /**
     * A {@code struct sockaddr_un} for {@code socket} (a path, or {@code @name}: abstract), and its length.
     *
     * @throws IOException if the name is empty or too long
     */
    static Memory address(String socket) throws IOException {
        byte[] name = socket.getBytes(StandardCharsets.UTF_8);
        if (name.length == 0 || name.length >= SUN_PATH) {
            throw new IOException("NOTIFY_SOCKET must name a socket of 1 to " + (SUN_PATH - 1) + " bytes, got \"" + socket + "\"");
        }
        Memory m = new Memory(2 + SUN_PATH);
        m.clear();
        m.setShort(0, (short) AF_UNIX);
        m.write(2, name, 0, name.length);
        if (name[0] == '@') {
            m.setByte(2, (byte) 0); // the abstract namespace: a leading NUL, and no terminating one
        }
        return m;
    }

    static int addressLength(String socket) {
        int n = socket.getBytes(StandardCharsets.UTF_8).length;
        return 2 + n + (socket.startsWith("@") ? 0 : 1);
    }

    /**
     * Sends {@code state} (e.g. {@code "READY=1"}) to {@code socket}.
     *
     * @throws IOException if it cannot be sent (the errno's text)
     */
    static void send(String socket, String state) throws IOException {
        Memory addr = address(socket);
        byte[] msg = state.getBytes(StandardCharsets.UTF_8);
        Libc c = Libc.INSTANCE;
        int fd = c.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new IOException("socket(AF_UNIX, SOCK_DGRAM): errno " + Native.getLastError());
        }
        try {
            if (c.sendto(fd, msg, msg.length, MSG_NOSIGNAL, addr, addressLength(socket)) < 0) {
                throw new IOException("sendto " + socket + ": errno " + Native.getLastError());
            }
        } finally {
            c.close(fd);
        }
    }
}
