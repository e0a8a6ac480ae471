package dev.brigade.manager.cli;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/*
 * PM2's monit quits on 'q'. A terminal delivers keys only after Enter unless it is taken out of
 * canonical mode, so on a terminal the keys are read with `stty -icanon -echo min 1` (what the
 * terminal was is saved with `stty -g` first and put back when monit ends, also on Ctrl-C through a
 * shutdown hook). Without a terminal nothing is changed: keys are read only from a stream the
 * caller gives (a test), never from a stdin that belongs to someone else.
 */
/** The keys {@code brigade monit} listens to while it redraws: {@code q} (or {@code Q}) quits. */
final class MonitKeys implements AutoCloseable {
    private static final File TTY = new File("/dev/tty");

    private final CountDownLatch quit = new CountDownLatch(1);
    private final String savedTty;
    private final Thread restoreHook;

    private MonitKeys(InputStream in, String savedTty) {
        this.savedTty = savedTty;
        this.restoreHook = savedTty == null ? null : new Thread(this::restoreTty, "brigade-monit-tty");
        if (restoreHook != null) {
            Runtime.getRuntime().addShutdownHook(restoreHook);
        }
        if (in != null) {
            Thread reader = new Thread(() -> read(in), "brigade-monit-keys");
            reader.setDaemon(true);
            reader.start();
        }
    }

    /** Keys from the terminal (switched to single keys), or from {@code given} when not null; none otherwise. */
    static MonitKeys open(InputStream given, boolean terminal) {
        if (given != null) {
            return new MonitKeys(given, null);
        }
        if (!terminal) {
            return new MonitKeys(null, null);
        }
        String saved = stty("-g");
        if (saved == null || stty("-icanon", "-echo", "min", "1") == null) {
            return new MonitKeys(null, null); // no stty: Ctrl-C still quits
        }
        return new MonitKeys(System.in, saved.strip());
    }

    /** Waits up to {@code nanos}; true if a quit key came. */
    boolean awaitQuit(long nanos) throws InterruptedException {
        return quit.await(nanos, TimeUnit.NANOSECONDS);
    }

    boolean quitting() {
        return quit.getCount() == 0;
    }

    /** The hint the header shows. */
    String hint() {
        return savedTty != null ? ", q or Ctrl-C to quit" : ", Ctrl-C to quit";
    }

    private void read(InputStream in) {
        try {
            int c;
            while ((c = in.read()) >= 0) {
                if (c == 'q' || c == 'Q') {
                    break;
                }
            }
        } catch (IOException e) {
            // stdin closed or unreadable: only Ctrl-C quits now
            return;
        }
        quit.countDown();
    }

    @Override
    public void close() {
        if (restoreHook != null) {
            restoreTty();
            try {
                Runtime.getRuntime().removeShutdownHook(restoreHook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook restores the terminal too, harmlessly twice
            }
        }
    }

    private void restoreTty() {
        stty(savedTty);
    }

    /** Runs stty on the terminal; its output, or null when it failed. */
    private static String stty(String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "stty";
        System.arraycopy(args, 0, cmd, 1, args.length);
        try {
            Process p = new ProcessBuilder(cmd).redirectInput(TTY).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor(2, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
