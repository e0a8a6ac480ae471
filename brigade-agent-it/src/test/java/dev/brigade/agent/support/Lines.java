package dev.brigade.agent.support;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Every line read from one pipe of a worker, with a bounded wait for a line to appear. */
public final class Lines {
    private final String name;
    private final List<String> lines = new ArrayList<>(); // guarded by this
    private boolean ended;                                 // guarded by this
    private final Thread reader;

    /** Reads the pipe read end {@code fd} (this process's) until EOF; {@code fd} is closed here. */
    Lines(String name, int fd) {
        this.name = name;
        FileInputStream in;
        try {
            in = new FileInputStream("/proc/self/fd/" + fd);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open pipe " + fd, e);
        } finally {
            Posix.C.close(fd);
        }
        reader = new Thread(() -> pump(in), "read " + name);
        reader.setDaemon(true);
        reader.start();
    }

    private void pump(FileInputStream in) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                synchronized (this) {
                    lines.add(line);
                    notifyAll();
                }
            }
        } catch (IOException e) {
            // the pipe broke: treat as the end
        } finally {
            synchronized (this) {
                ended = true;
                notifyAll();
            }
        }
    }

    /** The first line matching {@code p}, waiting up to {@code timeout} for it. */
    public synchronized String await(Predicate<String> p, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (String l : lines) {
                if (p.test(l)) {
                    return l;
                }
            }
            long left = deadline - System.nanoTime();
            if (ended || left <= 0) {
                throw new AssertionError(name + ": no matching line after " + timeout.toMillis() + " ms"
                        + (ended ? " (pipe closed)" : "") + "; lines: " + lines);
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /** Waits (bounded) until the writer side closed, then returns all lines. */
    public List<String> untilEnd(Duration timeout) throws InterruptedException {
        reader.join(timeout.toMillis());
        return snapshot();
    }

    public synchronized List<String> snapshot() {
        return List.copyOf(lines);
    }
}
