package dev.brigade.cluster.internal;

import dev.brigade.cluster.ExitCodes;
import dev.brigade.cluster.ExitStatus;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The cluster's standby worker ({@code ClusterSettings.standby}): one worker process started ahead of need and held in
 * brigade-agent's premain, before the app's main, that the next spawn takes (a restart, a reload's new worker, a
 * crash's replacement, a scale-up) instead of starting a JVM. The JVM, its class-data archive, the agent and the link
 * to the primary are ready: the new worker costs the app's own start only.
 *
 * <ul>
 *   <li>At most one, started {@value #DELAY_MILLIS} ms after a worker began serving (not while one starts: on a
 *       small machine it would take CPU from the start it is meant to shorten).</li>
 *   <li>It starts from the app's class-data archive. While the archive of the app's jars does not exist, the standby
 *       records it ({@link Archive#recordInStandby}): the first start of a version is then an ordinary start, as
 *       fast as the JVM's own, and the recording runs in the standby, a real worker once it takes a slot, which
 *       writes it as it exits. A recording standby that is never used records nothing of the app and is dropped.</li>
 *   <li>It is used only if what its start depended on is unchanged ({@link Archive#standbyKey}: the archive it mapped,
 *       the size and time of the app's jars); else it is stopped (SIGKILL) and the spawn starts a process as without
 *       it. It follows the jars ({@link #follow}): once a new version copied in has settled, the standby is replaced by
 *       one of it, which records nothing (the standby started once a worker of the version serves records). A restart
 *       that comes before then starts a fresh process.</li>
 *   <li>One that exits before it is used is a failed standby, logged with its last stderr lines; after
 *       {@value #MAX_FAILURES} in a row, or one boot error (the JDK cannot make it a standby), none for this cluster,
 *       and its workers record the archive as without standby. One of a new version that no worker runs yet is only
 *       logged: the jar may be broken, which the reload that comes will say; the next worker that serves asks for a
 *       standby again.</li>
 *   <li>It is no worker of the cluster's: not in {@code workers()}, no events (the primary drops them until it takes
 *       a slot), no slot; it is stopped with the cluster, and when no slot is left.</li>
 * </ul>
 */
final class Standbys {
    private static final System.Logger LOG = System.getLogger("dev.brigade.cluster");
    /** brigade-agent's Standby.ENV_STANDBY: set to 1 in a standby's environment. */
    static final String ENV_STANDBY = "BRIGADE_STANDBY";
    static final long DELAY_MILLIS = 1000;
    /** How often a standby's jars are compared with those on disk ({@link #follow}). */
    static final long FOLLOW_MILLIS = 50;
    static final int MAX_FAILURES = 3;

    private final Primary primary;
    private final boolean enabled;
    private final Archive archive;
    private final ScheduledExecutorService timer;
    private Child current;     // guarded by this: the standby, started or starting
    private boolean scheduled; // guarded by this: a start is planned
    private volatile String serving = ""; // the jars' stamp when a worker last began serving: the version that runs
    private int failures;      // guarded by this: standbys in a row that exited before they were used
    private String off;        // guarded by this: why no more standbys start, or null

    Standbys(Primary primary, boolean enabled, Archive archive, ScheduledExecutorService timer) {
        this.primary = primary;
        this.enabled = enabled;
        this.archive = archive;
        this.timer = timer;
        if (enabled) {
            archive.onInstalled(this::refresh);
            archive.recordInStandby(true);
        }
    }

    /** A worker began serving: a standby starts after a while unless there is one, and it may record this version. */
    void served() {
        serving = archive.jarStamp();
        wanted();
    }

    /** A standby starts after a while unless there is one. */
    private void wanted() {
        synchronized (this) {
            if (!enabled || off != null || current != null || scheduled) {
                return;
            }
            scheduled = true;
        }
        try {
            timer.schedule(() -> startOne(true), DELAY_MILLIS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the cluster is closing
        }
    }

    /** A new archive exists: a standby started before it is replaced, or one starts now that there was none. */
    private void refresh() {
        Child stale;
        synchronized (this) {
            stale = current != null && !Objects.equals(current.standbyKey, archive.standbyKey()) ? current : null;
            if (stale != null) {
                current = null;
            }
        }
        if (stale != null) {
            drop(stale);
        }
        wanted();
    }

    /**
     * @param mayRecord false for a standby of a version no worker runs yet ({@link #follow}); one started with true
     *                  records only if the jars are those of the workers that serve
     */
    private void startOne(boolean mayRecord) {
        synchronized (this) {
            scheduled = false;
            if (off != null || current != null) {
                return;
            }
        }
        if (!primary.wantsStandby()) {
            return;
        }
        String jars = archive.jarStamp();
        String key = archive.standbyKey();
        List<String> flags = archive.standbyFlags(mayRecord && jars.equals(serving));
        Child c;
        try {
            c = primary.startStandby(flags, key, !mayRecord);
        } catch (IOException | RuntimeException e) {
            if (mayRecord) {
                failed("cannot start a standby worker: " + e.getMessage(), false);
            } else {
                LOG.log(Level.WARNING, "cannot start a standby worker of the new version of " + archive.label() + ": " + e.getMessage());
            }
            return;
        }
        synchronized (this) {
            if (c.gone()) {
                return; // it died at once: exited() has dealt with it
            }
            current = c;
        }
        if (!primary.wantsStandby()) {
            dismiss(); // the last slot went while it started: checkIdle found none to stop
            return;
        }
        followLater(c, jars, null);
    }

    private void followLater(Child c, String jars, String seen) {
        try {
            timer.schedule(() -> follow(c, jars, seen), FOLLOW_MILLIS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the cluster is closing
        }
    }

    /**
     * While {@code c} is the standby: if the app's jars changed on disk since it started (a new version was copied in)
     * and have stayed the same over one period and can be read, it is replaced by a standby of the new version, which
     * records nothing (its first start is an ordinary start, and the standby after it records). A deploy followed by a
     * restart a moment later then starts the new version from a JVM that is up already; a restart that comes before
     * finds the old standby stale, as without this ({@link #take}).
     */
    private void follow(Child c, String jars, String seen) {
        synchronized (this) {
            if (current != c) {
                return; // taken, stopped or replaced: its follower ends
            }
        }
        String now = archive.jarStamp();
        if (now.equals(jars)) {
            followLater(c, jars, null);
            return;
        }
        if (!now.equals(seen) || !archive.jarsReadable()) {
            followLater(c, jars, now); // being written: once more
            return;
        }
        synchronized (this) {
            if (current != c) {
                return;
            }
            current = null;
        }
        LOG.log(Level.INFO, "the jars of " + archive.label() + " changed: standby worker " + c.id + " (pid " + c.pid()
                + ") is replaced by one of the new version");
        drop(c);
        startOne(false);
    }

    /** Stops a standby never used ({@link Child#dropUnused}); a recording one recorded nothing of the app. */
    private void drop(Child c) {
        if (c.trainsArchive) {
            archive.abandoned(c.pid());
        }
        c.dropUnused();
    }

    /**
     * The standby, for a spawn that would start a process: null if there is none, or if what its start depended on
     * changed (it is then stopped).
     */
    Child take() {
        Child c;
        synchronized (this) {
            c = current;
            current = null;
        }
        if (c == null) {
            return null;
        }
        if (c.gone() || !Objects.equals(c.standbyKey, archive.standbyKey())) {
            LOG.log(Level.INFO, "standby worker " + c.id + " (pid " + c.pid() + ") not used: the app's jars or its class-data"
                    + " archive changed since it started; a new process starts");
            if (c.trainsArchive) {
                archive.abandoned(c.pid()); // a recording one: the new version is recorded by the next standby
            }
            c.dropUnused(timer); // killed once the new process is on its way: its scan of /proc is not on the spawn's path
            return null;
        }
        synchronized (this) {
            failures = 0;
        }
        return c;
    }

    /** Stops the standby, if any (no slot is left to restart). */
    void dismiss() {
        Child c;
        synchronized (this) {
            c = current;
            current = null;
        }
        if (c != null) {
            drop(c);
        }
    }

    /** The standby {@code c} exited before it took a slot. */
    void exited(Child c, ExitStatus status) {
        synchronized (this) {
            if (current == c) {
                current = null;
            }
        }
        if (c.trainsArchive) {
            archive.abandoned(c.pid()); // it recorded no run of the app
        }
        if (c.stopRequested) {
            return; // stopped: not used, or stopped with the cluster
        }
        boolean bootError = !status.signaled() && status.code() == ExitCodes.BOOT_ERROR;
        if (c.followsDeploy) {
            // a new version copied in that cannot start: the reload that comes will say so; the next worker that
            // serves asks for a standby again
            LOG.log(Level.WARNING, "standby worker " + c.id + " (pid " + c.pid() + ") of the new version of " + archive.label()
                    + " exited (" + status + ") before it was used" + c.stderrTail());
            return;
        }
        failed("standby worker " + c.id + " (pid " + c.pid() + ") exited (" + status + ") before it was used" + c.stderrTail(), bootError);
    }

    private void failed(String why, boolean last) {
        boolean again;
        synchronized (this) {
            failures++;
            if (last || failures >= MAX_FAILURES) {
                off = why + " (" + failures + " in a row)";
            }
            again = off == null;
        }
        if (!again) {
            archive.recordInStandby(false); // the workers record it again, as without standby
        }
        LOG.log(Level.WARNING, why + (again ? "; another starts later" : "; no more standby workers for this cluster"));
        if (again) {
            wanted();
        }
    }

    /** What {@code describe} shows. */
    synchronized String describe() {
        if (!enabled) {
            return "off";
        }
        if (off != null) {
            return "none: " + off;
        }
        Child c = current;
        if (c != null) {
            return "pid " + c.pid() + " (" + (c.state() == dev.brigade.cluster.WorkerState.STARTING ? "starting" : "ready")
                    + (c.trainsArchive ? ", recording the class-data archive" : "") + "): the next worker starts from it";
        }
        return "none yet: one starts " + DELAY_MILLIS + " ms after a worker serves";
    }
}
