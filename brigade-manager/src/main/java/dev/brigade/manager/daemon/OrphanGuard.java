package dev.brigade.manager.daemon;

import com.sun.jna.Native;
import dev.brigade.cluster.internal.Reaper;
import dev.brigade.cluster.internal.Spawner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/*
 * Whatever kills the daemon, its apps go with it (DESIGN.md, decision 9: supervision outlives
 * nothing). A SIGTERM is handled (Daemon stops every app gracefully); a SIGKILL, an OOM kill or a
 * JVM crash cannot be: nothing runs in the dying process. So a second, tiny process watches it:
 *
 *   - a /bin/sh script (no JVM: ~1 MB), spawned in a process group of its own, ignoring HUP, INT,
 *     TERM, QUIT and PIPE, whose fd 3 is the read end of a pipe whose only write end the daemon
 *     holds. The kernel closes that end when the daemon dies, however it dies: the script's read
 *     returns EOF within microseconds.
 *   - The daemon tells it, on the pipe, each process group it spawns ("+PGID") and reaps ("-PGID"),
 *     and the names of the apps that run ("a NAMES"); "q" before a clean stop.
 *   - On EOF after "q" (the daemon stopped every app gracefully): SIGKILL to whatever is left in the
 *     daemon's session (a grandchild that had left its app's process group). On EOF without "q":
 *     SIGKILL to every recorded group, then to every process of the daemon's session (the daemon is started by setsid, so every app, cluster worker and grandchild that
 *     did not leave the session is in it; a pid cannot be reused while it names a live session),
 *     twice (a fork racing the first pass); then it writes daemon.died (pid, time, apps) in the
 *     home, for the next command to report, and a line to daemon.log.
 *
 * Why not PR_SET_PDEATHSIG in the apps: it fires when the *thread* that forked the child exits, not
 * the process, and a JVM's spawning threads come and go (a virtual thread's carrier, a pool thread);
 * and it is reset by exec of a set-uid binary. A pipe's EOF is about the process.
 */

/** The watchdog process that kills a dead daemon's apps; {@link #NONE} where there is no daemon to outlive. */
class OrphanGuard implements AutoCloseable {
    /** Records nothing and guards nothing (tests of the registry alone). */
    static final OrphanGuard NONE = new OrphanGuard(-1, 0);

    static final String DIED_FILE = "daemon.died";

    private static final String SCRIPT = """
            exec </dev/null >/dev/null 2>&1
            trap '' HUP INT TERM QUIT PIPE
            home=$1 sid=$2 dpid=$3 groups=' ' apps='' clean=0
            while IFS= read -r line <&3; do
              case $line in
                +*) groups="$groups${line#+} " ;;
                -*) n=${line#-}; case $groups in *" $n "*) groups="${groups%% $n *} ${groups#* $n }" ;; esac ;;
                a*) apps=${line#a} ;;
                q) clean=1 ;;
              esac
            done
            for pass in 1 2; do
              [ $clean = 1 ] || for g in $groups; do kill -s KILL -- -$g; done
              if [ "$sid" != 0 ]; then
                for st in /proc/[0-9]*/stat; do
                  read -r s < "$st" || continue
                  p=${st#/proc/}; p=${p%/stat}
                  [ "$p" = $$ ] || [ "$p" = "$dpid" ] && continue
                  set -f
                  set -- ${s##*\\) }
                  set +f
                  [ "$4" = "$sid" ] && kill -s KILL "$p"
                done
              fi
            done
            [ $clean = 1 ] && exit 0
            umask 077
            now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
            printf '%s\\n%s\\n%s\\n' "$dpid" "$now" "$apps" > "$home/daemon.died.tmp$$" && mv -f "$home/daemon.died.tmp$$" "$home/daemon.died"
            printf '%s brigade guard: the daemon %s died (not stopped by brigade kill); killed the processes of its apps:%s\\n' "$now" "$dpid" "$apps" >> "$home/daemon.log"
            """;

    private final int fd; // the pipe's write end; -1 for NONE
    private final int pid;
    private String lastApps = ""; // guarded by this
    private boolean broken;       // guarded by this
    private volatile java.util.concurrent.CompletableFuture<?> exit = java.util.concurrent.CompletableFuture.completedFuture(null);

    private OrphanGuard(int fd, int pid) {
        this.fd = fd;
        this.pid = pid;
    }

    /**
     * Starts the guard of this process for {@code home}. {@code sweepSession}: this process leads its session (the
     * daemon, started by setsid), so every process of the session is its app's; otherwise only the recorded groups go.
     */
    static OrphanGuard start(Home home, boolean sweepSession) throws IOException {
        int[] fds = new int[2];
        if (ListFifo.Posix.LIB.pipe2(fds, ListFifo.Posix.O_CLOEXEC) != 0) {
            throw new IOException("pipe2: " + ListFifo.Posix.error(Native.getLastError()));
        }
        Spawner.Spawned s;
        try {
            long self = ProcessHandle.current().pid();
            s = Spawner.spawn("/bin/sh", List.of("brigade-guard", "-c", SCRIPT, "brigade-guard", home.dir().toString(),
                    sweepSession ? Long.toString(self) : "0", Long.toString(self)), Map.of("PATH", "/usr/bin:/bin"), List.of(fds[0]));
        } catch (IOException | RuntimeException e) {
            ListFifo.Posix.LIB.close(fds[1]);
            throw e;
        } finally {
            ListFifo.Posix.LIB.close(fds[0]);
        }
        ListFifo.Posix.LIB.close(s.stdoutFd());
        ListFifo.Posix.LIB.close(s.stderrFd());
        OrphanGuard g = new OrphanGuard(fds[1], s.pid());
        g.exit = Reaper.watch(s.pid(), "brigade-guard").whenComplete((st, err) -> g.exited(st == null ? String.valueOf(err) : st.toString()));
        return g;
    }

    /** The guard's pid (0 for {@link #NONE}). */
    int pid() {
        return pid;
    }

    /** A process group the daemon spawned: killed if the daemon dies. */
    void watch(int pgid) {
        if (pgid > 0) {
            send("+" + pgid);
        }
    }

    /** A group that was reaped (and killed): no longer the daemon's, so its id may be reused. */
    void forget(int pgid) {
        if (pgid > 0) {
            send("-" + pgid);
        }
    }

    /** The names of the running apps, for the report of a death; sent only when they changed. */
    synchronized void apps(List<String> names) {
        if (fd < 0) {
            return;
        }
        String line = String.join(", ", names).replace('\n', ' ');
        if (!line.equals(lastApps)) {
            lastApps = line;
            send("a" + (line.isEmpty() ? "" : " " + line));
        }
    }

    /**
     * A clean stop (every app was stopped): the guard kills only what is left in the session, reports nothing, and exits;
     * waited for (at most 5 s), so that nothing of the daemon outlives it.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (fd < 0 || broken) {
                return;
            }
            send("q");
            ListFifo.Posix.LIB.close(fd);
            broken = true;
        }
        try {
            exit.get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            System.err.println(Daemon.stamp() + " brigade: the orphan guard (pid " + pid + ") did not exit: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void send(String line) {
        if (fd < 0 || broken) {
            return;
        }
        byte[] b = (line + "\n").getBytes(StandardCharsets.UTF_8);
        int off = 0;
        while (off < b.length) {
            byte[] rest = off == 0 ? b : java.util.Arrays.copyOfRange(b, off, b.length);
            int n = ListFifo.Posix.LIB.write(fd, rest, rest.length);
            if (n < 0 && Native.getLastError() == ListFifo.Posix.EINTR) {
                continue;
            }
            if (n <= 0) {
                broken = true;
                System.err.println(Daemon.stamp() + " brigade daemon: the orphan guard (pid " + pid + ") does not listen any more ("
                        + ListFifo.Posix.error(Native.getLastError()) + "): apps would outlive a killed daemon");
                return;
            }
            off += n;
        }
    }

    private void exited(String how) {
        synchronized (this) {
            if (broken) {
                return; // a clean stop
            }
            broken = true;
        }
        System.err.println(Daemon.stamp() + " brigade daemon: the orphan guard (pid " + pid + ") exited (" + how
                + "): apps would outlive a killed daemon");
    }

    /** The report a dead daemon's guard left, or null; removed once read. */
    static String takeDeathReport(Home home) {
        Path f = home.dir().resolve(DIED_FILE);
        try {
            if (!java.nio.file.Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS) || !PrivateFiles.ownedByMe(f)) {
                return null;
            }
            List<String> l = java.nio.file.Files.readAllLines(f);
            java.nio.file.Files.deleteIfExists(f);
            if (l.size() < 2) {
                return null;
            }
            String apps = l.size() > 2 ? l.get(2).trim() : "";
            return "the daemon (pid " + l.get(0) + ") died at " + l.get(1) + " without 'brigade kill' (killed, or it crashed; see "
                    + home.daemonLog() + "); " + (apps.isEmpty() ? "no app was running" : "its apps were stopped with it: " + apps)
                    + ". A new daemon starts now; 'brigade resurrect' starts the apps of the last 'brigade save' again.";
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
