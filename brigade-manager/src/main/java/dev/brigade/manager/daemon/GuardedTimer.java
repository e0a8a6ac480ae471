package dev.brigade.manager.daemon;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The daemon's timer (restarts, kill timeouts, sampling, idle connections): one thread, and every
 * task it runs is wrapped so that a Throwable, an {@link OutOfMemoryError} included, is logged and,
 * for a periodic task, the next run still happens. A plain scheduled executor would cancel a
 * periodic task silently at its first exception: supervision would stop with no trace.
 */
final class GuardedTimer extends ScheduledThreadPoolExecutor {
    GuardedTimer(String name) {
        super(1, r -> Thread.ofPlatform().daemon().name(name).unstarted(r));
        setRemoveOnCancelPolicy(true); // the idle timeouts of connections are cancelled by the thousand
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
        return super.schedule(guard(task), delay, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable task, long initialDelay, long period, TimeUnit unit) {
        return super.scheduleAtFixedRate(guard(task), initialDelay, period, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, long initialDelay, long delay, TimeUnit unit) {
        return super.scheduleWithFixedDelay(guard(task), initialDelay, delay, unit);
    }

    static Runnable guard(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (Throwable t) {
                try {
                    System.err.println(Daemon.stamp() + " brigade daemon: a timer task failed (it runs again next time): " + t);
                } catch (Throwable ignored) {
                    // out of memory even for the message: the next run tries again
                }
            }
        };
    }
}
