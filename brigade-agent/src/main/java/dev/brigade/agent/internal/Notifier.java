package dev.brigade.agent.internal;

import dev.brigade.agent.ListenContract;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes adoption notices ({@link ListenContract#notice}) to the descriptor named by
 * {@value ListenContract#ENV_NOTIFY_FD}, one {@code write} per line (atomic on a pipe), and
 * warnings to stderr. A failed write (the primary closed its end) is dropped: a notice is
 * information, never a reason to fail the app's bind.
 */
final class Notifier {
    private final FileOutputStream out; // null: no notify descriptor; guarded by this
    private boolean ended; // guarded by this

    private Notifier(FileOutputStream out) {
        this.out = out;
    }

    /** The notifier for {@code notifyFd} (the variable's value, may be null) */
    static Notifier open(String notifyFd, JdkAccess jdk) {
        if (notifyFd == null || notifyFd.isBlank()) {
            return new Notifier(null);
        }
        try {
            int fd = Integer.parseInt(notifyFd.trim());
            if (fd < 3) {
                throw new NumberFormatException("below 3");
            }
            FileDescriptor d = jdk.newFD(fd);
            return new Notifier(new FileOutputStream(d));
        } catch (NumberFormatException e) {
            warn(ListenContract.ENV_NOTIFY_FD + " must be a descriptor number >= 3, got \"" + notifyFd + "\": no listening notices will be sent");
            return new Notifier(null);
        }
    }

    synchronized void listening(int port) {
        if (out != null && !ended) {
            WorkerLink.awaitWelcome(); // a worker that listens is online: its primary must have welcomed it first
            try {
                out.write((ListenContract.notice(port) + "\n").getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                // the primary is gone or stopped reading: it will learn from the exit status
            }
        }
    }

    /**
     * Closes the descriptor: the primary reads its end, which tells it that this leaving process ran its app's shutdown
     * hooks (the JVM exits next). Called by the agent's last shutdown hook ({@link Departure}).
     */
    synchronized void end() {
        if (out != null && !ended) {
            ended = true;
            try {
                out.close();
            } catch (IOException e) {
                // the primary learns from the exit instead
            }
        }
    }

    static void warn(String line) {
        System.err.println(line.startsWith("brigade-agent:") ? line : "brigade-agent: " + line);
    }
}
