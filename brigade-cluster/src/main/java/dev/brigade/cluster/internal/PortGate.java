package dev.brigade.cluster.internal;

import java.io.IOException;
import java.util.List;

/**
 * Never a black hole: a declared port that no worker serves refuses connections instead of
 * queueing them for nobody. The primary holds the listening sockets from start to close, so that a
 * reload never unbinds a port; but a listening socket with no acceptor completes every handshake
 * and leaves the client waiting forever (a worker that never listened, e.g. an app bound to
 * another port). So once a worker's listen timeout passes with no worker listening, the sockets
 * stop listening ({@link Listeners#refuse}: queued connections are reset, new ones refused), and
 * the first worker that listens makes them listen again ({@link Listeners#resume}).
 */
final class PortGate {
    private final List<Listeners.Listener> listeners;
    private boolean refusing; // guarded by this

    PortGate(List<Listeners.Listener> listeners) {
        // An inherited socket (systemd's) is left alone: refusing would also stop systemd's copy listening,
        // and its contract is to queue connections until a process serves them.
        this.listeners = listeners.stream().filter(l -> !l.inherited()).toList();
    }

    /** After a listen timeout: unless a worker serves the ports, they refuse connections. */
    synchronized void refuseUnless(boolean served) {
        if (served || refusing || listeners.isEmpty()) {
            return;
        }
        for (Listeners.Listener l : listeners) {
            try {
                Listeners.refuse(l);
            } catch (IOException e) {
                warn(e);
                return;
            }
        }
        refusing = true;
        System.getLogger("dev.brigade.cluster").log(System.Logger.Level.WARNING, "no worker listens on "
                + listeners.stream().map(Listeners.Listener::port).toList() + ": connections are refused until one does");
    }

    /** A worker listens: the ports accept connections again if they were refusing them. */
    synchronized void served() {
        if (!refusing) {
            return;
        }
        refusing = false;
        for (Listeners.Listener l : listeners) {
            try {
                Listeners.resume(l);
            } catch (IOException e) {
                warn(e);
            }
        }
    }

    private static void warn(IOException e) {
        System.getLogger("dev.brigade.cluster").log(System.Logger.Level.WARNING, e.getMessage());
    }
}
