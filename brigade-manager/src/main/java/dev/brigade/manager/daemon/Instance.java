package dev.brigade.manager.daemon;

import dev.brigade.cluster.ExitStatus;
import dev.brigade.cluster.Signal;
import dev.brigade.cluster.internal.OutputPump;
import dev.brigade.cluster.internal.Reaper;
import dev.brigade.cluster.internal.Spawner;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One instance slot of a fork-mode app: a supervised process, replaced when it dies.
 *
 * <p>The process is spawned natively (the cluster's {@link Spawner}: its own process group, stdin
 * {@code /dev/null}, stdout and stderr read line by line into the instance's log) and reaped by
 * {@code waitpid} on its pid, so its exit code or signal is exact. Stopping sends SIGTERM to the
 * whole group, SIGKILL after the kill timeout; and whenever the leader has exited, whatever is
 * left of its group is killed, so no grandchild survives to hold a port.
 *
 * <p>Crashes are restarted like the cluster's {@code RestartPolicy}: the first at once, then with
 * a doubling delay (at most 10 s); a process that ran 30 s resets the delay; more than
 * {@code maxRestarts} crashes within a minute is a crash loop and the slot becomes
 * {@link Status#ERRORED}, with its last lines kept for {@code describe}.
 */
final class Instance {
    private static final long STABLE_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long WINDOW_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final long MAX_DELAY_MS = 10_000;
    private static final int TAIL = 20;

    private final App app;
    final int index;
    final LogFile log;
    private final ArrayDeque<String> tail = new ArrayDeque<>();        // guarded by itself
    private final ArrayDeque<Long> recentCrashes = new ArrayDeque<>(); // guarded by this; nanoTime of each
    private Status status = Status.STOPPED;                            // guarded by this
    private int generation;      // guarded by this; bumped per spawn, so stale exits and timers are ignored
    private int pid;             // guarded by this; 0 when no process runs
    private long startedNanos;   // guarded by this
    private int restarts;        // guarded by this
    private int crashesInRow;    // guarded by this
    private int crashes;         // guarded by this; every crash since the slot was created
    private String lastExit;     // guarded by this
    private Archives.Launch launch = new Archives.Launch(List.of(), List.of()); // guarded by this; the current process's
    private CompletableFuture<Void> exited = CompletableFuture.completedFuture(null); // guarded by this
    volatile double cpuPercent;
    volatile long rssBytes;
    private long sampledTicks = -1; // only touched by the sampler (the timer thread)
    private int sampledPid;         // idem

    Instance(App app, int index, LogFile log) {
        this.app = app;
        this.index = index;
        this.log = log;
    }

    /** Starts the process if none runs (also from {@code stopped} or {@code errored}). */
    synchronized void start() {
        if (status == Status.ONLINE || status == Status.STOPPING) {
            return;
        }
        if (status == Status.ERRORED || status == Status.STOPPED) {
            crashesInRow = 0;
            recentCrashes.clear();
        }
        spawn();
    }

    /**
     * Stops the process (SIGTERM to its group, SIGKILL after the kill timeout, or {@code Archive.EXIT_WRITE_MILLIS}
     * later for a JVM that records its class-data archive); completes once it exited.
     */
    synchronized CompletableFuture<Void> stop() {
        switch (status) {
            case ONLINE -> {
                move(Status.STOPPING);
                int gen = generation;
                int victim = pid;
                // a recording JVM writes its class-data recording as it exits: cut off, the recording would be lost
                long millis = app.spec().killTimeoutMs()
                        + (app.launcher.records(launch) ? dev.brigade.cluster.internal.Archive.EXIT_WRITE_MILLIS : 0);
                // one being asked to write it early is stopped once that is over: the JVM crashed doing both at once
                app.launcher.leaving(launch, victim).whenComplete((v, e) -> { // at once, on this thread, nearly always
                    synchronized (this) {
                        if (generation != gen || status != Status.STOPPING) {
                            return; // it exited meanwhile: its pid may be another process's now
                        }
                        Spawner.kill(victim, Signal.SIGTERM.number(), true);
                    }
                    app.timer.schedule(() -> killAfterTimeout(gen, victim, millis), millis, TimeUnit.MILLISECONDS);
                });
                return exited;
            }
            case STOPPING -> {
                return exited;
            }
            default -> {
                generation++; // cancels a pending restart
                move(Status.STOPPED);
                return CompletableFuture.completedFuture(null);
            }
        }
    }

    /** Stop, then start again; counted as a restart. Keeps the crash window (memory restarts are in it). */
    CompletableFuture<Void> restart() {
        return stop().thenRun(() -> {
            synchronized (this) {
                if (status == Status.STOPPED) {
                    restarts++;
                    spawn();
                }
            }
        });
    }

    /** Called by the sampler every {@code seconds}: CPU use since the last call, and resident memory. */
    void sample(double seconds) {
        int p = pid();
        ProcStats s = p == 0 ? null : ProcStats.of(p);
        if (s == null) {
            cpuPercent = 0;
            rssBytes = 0;
            sampledTicks = -1;
            return;
        }
        if (p == sampledPid && sampledTicks >= 0) {
            cpuPercent = 100.0 * (s.cpuTicks() - sampledTicks) / ProcStats.TICKS_PER_SECOND / seconds;
        }
        sampledPid = p;
        sampledTicks = s.cpuTicks();
        rssBytes = s.rssBytes();
    }

    /** Called by the sampler: restart gracefully when over the memory limit. */
    void checkMemory(long limit) {
        if (limit > 0 && rssBytes > limit && status() == Status.ONLINE) {
            String over = "[brigade] memory " + (rssBytes >> 20) + " MB is over the limit of " + (limit >> 20) + " MB";
            rssBytes = 0;
            int max = app.spec().maxRestarts();
            int within;
            synchronized (this) { // memory restarts count towards the crash loop: an app that always grows ends errored
                long now = System.nanoTime();
                while (!recentCrashes.isEmpty() && now - recentCrashes.peekFirst() > WINDOW_NANOS) {
                    recentCrashes.removeFirst();
                }
                recentCrashes.addLast(now);
                within = recentCrashes.size();
            }
            if (within > max) {
                note(over + "; " + within + " restarts within a minute (max restarts " + max + "): errored, not restarted");
                stop().thenRun(() -> {
                    synchronized (this) {
                        if (status == Status.STOPPED) {
                            move(Status.ERRORED);
                        }
                    }
                });
                return;
            }
            note(over + ": restarting");
            app.tally.memoryRestarts.incrementAndGet();
            restart();
        }
    }

    synchronized Status status() {
        return status;
    }

    synchronized int pid() {
        return pid;
    }

    synchronized AppInfo.InstanceInfo info() {
        long uptime = status == Status.ONLINE ? TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos) : 0;
        boolean running = pid != 0;
        return new AppInfo.InstanceInfo(index, pid, status.label(), uptime, restarts, running ? cpuPercent : 0,
                running ? rssBytes : 0, lastExit, log.path().toString(), lastLines(), null, crashes);
    }

    List<String> lastLines() {
        synchronized (tail) {
            return new ArrayList<>(tail);
        }
    }

    /** A line from the process (or from Brigade about it): kept in the tail, written to the log, streamed to followers. */
    void line(boolean stderr, String text) {
        synchronized (tail) {
            if (tail.size() == TAIL) {
                tail.removeFirst();
            }
            tail.addLast(text);
        }
        log.append(text);
        app.publish(new Response.LogLine(app.spec().name(), index, stderr, text));
    }

    private void note(String text) {
        line(true, text);
    }

    private void spawn() {
        AppSpec spec = app.spec();
        List<String> argv = new ArrayList<>(List.of("sh", "-c", "cd \"$0\" && exec \"$@\"", spec.cwd()));
        Archives.Launch l = app.launcher.next(spec, this::note); // a Java app: with its class-data archive
        launch = l;
        argv.addAll(l.command());
        Map<String, String> env = new LinkedHashMap<>(System.getenv());
        env.keySet().removeAll(dev.brigade.cluster.internal.InheritedListeners.SYSTEMD_VARIABLES); // run's, not the app's
        env.putAll(spec.env());
        env.put("BRIGADE_APP", spec.name());
        env.put("BRIGADE_INSTANCE", Integer.toString(index));
        if (spec.port() > 0) {
            // the port, where common frameworks look for it (as the cluster does for its workers)
            for (String name : List.of("PORT", "SERVER_PORT", "QUARKUS_HTTP_PORT", "MICRONAUT_SERVER_PORT")) {
                env.put(name, Integer.toString(spec.port()));
            }
        }
        int gen = ++generation;
        try {
            Spawner.Spawned s = Spawner.spawn("/bin/sh", argv, env, List.of());
            pid = s.pid();
            app.guard.watch(pid); // the group dies with the daemon, however the daemon dies
            app.launcher.spawned(l, pid);
            startedNanos = System.nanoTime();
            exited = new CompletableFuture<>();
            move(Status.ONLINE);
            String name = spec.name() + "-" + index;
            OutputPump.start(s.stdoutFd(), t -> {
                if (!app.launcher.isNoise(l, t)) { // the JVM's line about recording the archive is Brigade's, not the app's
                    line(false, t);
                }
            }, "brigade-out-" + name);
            OutputPump.start(s.stderrFd(), t -> line(true, t), "brigade-err-" + name);
            int leader = pid;
            Reaper.watch(leader, name).whenComplete((st, err) -> {
                app.launcher.exited(l, status() != Status.STOPPING); // not asked to end: its recording is not used
                exited(gen, leader, st, err);
            });
        } catch (IOException | RuntimeException e) {
            app.launcher.exited(l, false);
            pid = 0;
            app.tally.bootFailures.incrementAndGet();
            lastExit = "could not start: " + e.getMessage();
            move(Status.ERRORED);
            note("[brigade] " + lastExit);
        }
    }

    private void exited(int gen, int leader, ExitStatus st, Throwable err) {
        // What is left of its process group goes too. Safe after reaping: the kernel never gives a
        // new process a pid still in use as a process group id.
        Spawner.kill(leader, Signal.SIGKILL.number(), true);
        app.guard.forget(leader);
        CompletableFuture<Void> done;
        synchronized (this) {
            if (gen != generation) {
                return;
            }
            pid = 0;
            lastExit = st == null ? "lost: " + err : st.signaled()
                    ? "signal " + (st.signalName() != null ? st.signalName().name() : String.valueOf(st.signal()))
                    : "exit code " + st.code();
            done = exited;
            if (status == Status.STOPPING) {
                move(Status.STOPPED);
            } else {
                crashed();
            }
        }
        done.complete(null);
    }

    private void crashed() {
        crashes++;
        long now = System.nanoTime();
        if (now - startedNanos >= STABLE_NANOS) {
            crashesInRow = 0;
        }
        while (!recentCrashes.isEmpty() && now - recentCrashes.peekFirst() > WINDOW_NANOS) {
            recentCrashes.removeFirst();
        }
        recentCrashes.addLast(now);
        int max = app.spec().maxRestarts();
        if (recentCrashes.size() > max) {
            move(Status.ERRORED);
            note("[brigade] " + lastExit + "; " + recentCrashes.size() + " crashes within a minute (max restarts "
                    + max + "): errored, not restarted");
            return;
        }
        long delay = crashesInRow == 0 ? 0 : Math.min(MAX_DELAY_MS, app.spec().restartDelayMs() << Math.min(20, crashesInRow - 1));
        crashesInRow++;
        app.tally.crashRestarts.incrementAndGet();
        move(Status.WAITING_RESTART);
        note("[brigade] " + lastExit + "; restarting in " + delay + " ms");
        int gen = generation;
        app.timer.schedule(() -> restartAfterCrash(gen), delay, TimeUnit.MILLISECONDS);
    }

    private synchronized void restartAfterCrash(int gen) {
        if (gen == generation && status == Status.WAITING_RESTART) {
            restarts++;
            spawn();
        }
    }

    private synchronized void killAfterTimeout(int gen, int victim, long millis) {
        if (gen == generation && status == Status.STOPPING) {
            note("[brigade] still running " + millis + " ms after SIGTERM: SIGKILL");
            Spawner.kill(victim, Signal.SIGKILL.number(), true);
        }
    }

    private void move(Status next) {
        if (status != next && !status.canMoveTo(next)) {
            throw new IllegalStateException("instance " + app.spec().name() + "-" + index + ": " + status + " -> " + next);
        }
        status = next;
    }
}
