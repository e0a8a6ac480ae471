package dev.brigade.cluster.internal;

import dev.brigade.cluster.ClusterException;
import dev.brigade.cluster.ClusterException.Code;
import dev.brigade.cluster.ClusterSettings;
import dev.brigade.cluster.ExitStatus;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A rolling reload: the order of steps that makes it lose no request.
 *
 * <p>For each batch of slots: start the new workers without giving them the slots; wait until
 * each is ready (listening on the declared ports — the agent says so on its notify pipe — or
 * online when no port is declared) within the listen timeout; only then make each the slot's
 * worker and disconnect the old one, which stops accepting first and drains (the shared socket
 * keeps every queued connection for the others); wait for the old ones to exit before the next
 * batch, so at most {@code batch} extra JVMs run at once. If a new worker fails or is late it is
 * killed and the reload stops: the slots still hold their old workers, which keep serving, and
 * the new worker's exit is not a crash of the slot (it never held it).
 */
final class Rollout {
    private static final System.Logger LOG = System.getLogger("dev.brigade.cluster");

    private final Primary primary;
    private final ClusterSettings settings;

    Rollout(Primary primary, ClusterSettings settings) {
        this.primary = primary;
        this.settings = settings;
    }

    /**
     * @return the number of workers replaced
     * @throws ClusterException {@code RELOAD_ABORTED} naming the worker, the reason and the progress
     */
    int reload(int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("reload batch must be >= 1, got " + batch);
        }
        List<Primary.Slot> targets = primary.slotsInOrder();
        int done = 0;
        for (int from = 0; from < targets.size(); from += batch) {
            List<Primary.Slot> group = targets.subList(from, Math.min(targets.size(), from + batch));
            List<Child> fresh = new ArrayList<>();
            try {
                for (Primary.Slot slot : group) {
                    fresh.add(primary.spawnCandidate(slot));
                }
                for (Child c : fresh) {
                    awaitReady(c);
                }
            } catch (IOException | RuntimeException e) {
                fresh.forEach(Child::killTree);
                throw new ClusterException(Code.RELOAD_ABORTED, "reload stopped after replacing " + done + " of "
                        + targets.size() + " workers: " + e.getMessage() + "; the old workers keep serving", e);
            }
            List<Child> leaving = new ArrayList<>();
            for (int i = 0; i < group.size(); i++) {
                Child previous = primary.promote(group.get(i), fresh.get(i));
                if (previous != null) {
                    leaving.add(previous);
                }
            }
            awaitGone(leaving, settings.killTimeout().plusSeconds(5));
            done += group.size();
        }
        return done;
    }

    private void awaitReady(Child c) {
        boolean ports = primary.portsDeclared();
        CompletableFuture<?> ready = ports ? c.listening() : c.online();
        long ms = (ports ? settings.listenTimeout() : settings.onlineTimeout()).toMillis();
        try {
            ready.get(ms, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new ClusterException(Code.RELOAD_ABORTED, c + " did not " + (ports ? "listen on " + primary.ports() : "come online")
                    + " within " + ms + " ms (" + (ports ? "listenTimeout" : "onlineTimeout") + ")" + c.stderrTail());
        } catch (ExecutionException e) {
            throw new ClusterException(Code.RELOAD_ABORTED, c + " failed to start: " + e.getCause().getMessage() + c.stderrTail());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException(Code.RELOAD_ABORTED, "interrupted while waiting for " + c);
        }
    }


    /**
     * Disconnects {@code leaving} and waits until they exited, at most {@code limit}. One that records the class-data
     * archive writes its recording as it exits, after its app stopped: for it, until its app stopped ({@link
     * Child#appStopped}), so that the write (a second or more) lengthens no reload; or until it exited if its agent
     * cannot tell, {@link Archive#EXIT_WRITE_MILLIS} more at most.
     */
    static void awaitGone(List<Child> leaving, Duration limit) {
        boolean recording = false;
        List<CompletableFuture<?>> gone = new ArrayList<>();
        for (Child c : leaving) {
            boolean records = c.recording; // read before the disconnect
            recording |= records;
            CompletableFuture<ExitStatus> exit = c.disconnect();
            gone.add(records ? c.appStopped() : exit);
        }
        awaitAll(gone, limit.plusMillis(recording ? Archive.EXIT_WRITE_MILLIS : 0));
    }

    /** Waits for workers to exit, at most {@code limit} (they are killed after the kill timeout anyway). */
    static void awaitAll(List<? extends CompletableFuture<?>> exits, Duration limit) {
        try {
            CompletableFuture.allOf(exits.toArray(CompletableFuture[]::new)).get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "workers still draining after " + limit.toMillis() + " ms: " + e);
        }
    }
}
