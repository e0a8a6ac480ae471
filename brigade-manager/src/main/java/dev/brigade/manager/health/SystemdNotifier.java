package dev.brigade.manager.health;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/*
 * `brigade run` under systemd (Type=notify, WatchdogSec=): READY=1 once every app serves (what
 * /readyz says), so `systemctl start` returns when the apps really listen and units ordered After= it
 * start then; WATCHDOG=1 every WATCHDOG_USEC / 2 while supervision lives (Health.supervising: the timer
 * that restarts apps ticks), so a run whose supervision is stuck is killed and restarted by systemd;
 * STOPPING=1 when shutdown begins. Nothing is sent without NOTIFY_SOCKET; the watchdog only when
 * WATCHDOG_USEC is set and WATCHDOG_PID, if set, is this process. A send that fails is reported once
 * and never stops the apps.
 */
/** Speaks systemd's notify protocol for {@code brigade run} when {@code NOTIFY_SOCKET} is set. */
public final class SystemdNotifier {
    private final String socket;
    private final long watchdogMicros; // 0: no watchdog
    private final Health health;
    private volatile boolean stopping;
    private volatile boolean complained;

    private SystemdNotifier(String socket, long watchdogMicros, Health health) {
        this.socket = socket;
        this.watchdogMicros = watchdogMicros;
        this.health = health;
    }

    /**
     * Starts notifying if {@code env} has {@code NOTIFY_SOCKET}: a thread waits for readiness, then feeds the watchdog.
     *
     * @param env    the process environment
     * @param health readiness and supervision
     * @return the notifier, or null without {@code NOTIFY_SOCKET}
     */
    public static SystemdNotifier startIfAsked(Map<String, String> env, Health health) {
        String socket = env.get("NOTIFY_SOCKET");
        if (socket == null || socket.isEmpty()) {
            return null;
        }
        long usec = 0;
        String wd = env.get("WATCHDOG_USEC");
        String wdPid = env.get("WATCHDOG_PID");
        if (wd != null && (wdPid == null || wdPid.equals(Long.toString(ProcessHandle.current().pid())))) {
            try {
                usec = Long.parseLong(wd.trim());
            } catch (NumberFormatException e) {
                System.err.println("brigade run: WATCHDOG_USEC=" + wd + " is not a number of microseconds: no watchdog");
            }
        }
        SystemdNotifier n = new SystemdNotifier(socket, Math.max(0, usec), health);
        Thread.ofPlatform().daemon().name("brigade-sd-notify").start(n::loop);
        return n;
    }

    /** Shutdown has begun: STOPPING=1, and no more WATCHDOG=1. */
    public void stopping() {
        stopping = true;
        send("STOPPING=1\nSTATUS=stopping the apps");
    }

    private void loop() {
        long pollNanos = TimeUnit.MILLISECONDS.toNanos(200);
        long watchdogNanos = TimeUnit.MICROSECONDS.toNanos(watchdogMicros) / 2;
        boolean ready = false;
        long nextWatchdog = System.nanoTime();
        try {
            while (!stopping) {
                if (!ready && health.readiness().ready()) {
                    ready = true;
                    send("READY=1\nSTATUS=every app serves\nMAINPID=" + ProcessHandle.current().pid());
                }
                long now = System.nanoTime();
                if (watchdogNanos > 0 && now - nextWatchdog >= 0) {
                    if (health.supervising()) {
                        send("WATCHDOG=1");
                    }
                    nextWatchdog = now + watchdogNanos;
                }
                long sleep = ready ? (watchdogNanos > 0 ? Math.max(0, nextWatchdog - System.nanoTime()) : -1) : pollNanos;
                if (sleep < 0) {
                    return; // ready and no watchdog: nothing more to say until STOPPING=1
                }
                TimeUnit.NANOSECONDS.sleep(Math.min(sleep, watchdogNanos > 0 ? watchdogNanos : pollNanos));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void send(String state) {
        try {
            SdNotify.send(socket, state);
        } catch (IOException | RuntimeException | LinkageError e) {
            if (!complained) {
                complained = true;
                System.err.println("brigade run: cannot notify systemd at NOTIFY_SOCKET=" + socket + ": " + e.getMessage());
            }
        }
    }
}
