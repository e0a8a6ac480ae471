package dev.brigade.worker;

import dev.brigade.worker.internal.LineOutputStream;
import dev.brigade.worker.internal.Loop;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The part of a worker that runs on its own thread: resolve the entry, run it, run the event
 * loop until nothing keeps it alive, then report the exit. The exit code protocol is Node's:
 * 0 when the loop runs dry, the code given to {@code exit(code)}, 1 after an uncaught exception
 * or {@code terminate()}.
 */
final class WorkerRun implements Runnable {
    private final Worker worker;
    private final Object entrySource;         // a WorkerEntry, a Class, or a class name
    private final WorkerOptions options;
    private final MessagePort port;           // the worker's end of the parent channel
    private final Loop loop = new Loop(this::uncaught);
    private volatile boolean terminating;
    private volatile int exitCode;            // meaningful once exitRequested
    private volatile boolean exitRequested;

    WorkerRun(Worker worker, Object entrySource, WorkerOptions options, MessagePort port) {
        this.worker = worker;
        this.entrySource = entrySource;
        this.options = options;
        this.port = port;
    }

    @Override
    public void run() {
        loop.enter();
        int code;
        PrintStream out = stream(options.stdout(), System.out);
        PrintStream err = stream(options.stderr(), System.err);
        try {
            WorkerContext ctx = new WorkerContext(options.name(), port, options.workerData(), out, err, this);
            ctx.bind();
            WorkerEntry entry = EntryResolver.resolve(entrySource);
            worker.fireOnline();
            entry.run(ctx);
            loop.run(true);
            code = exitRequested ? exitCode : (terminating ? 1 : 0);
        } catch (ExitSignal e) {
            code = exitCode;
        } catch (Throwable t) {
            if (exitRequested) {
                code = exitCode;
            } else {
                if (!terminating) {
                    worker.fireError(t);
                }
                code = 1;
            }
        } finally {
            out.flush();
            err.flush();
        }
        finish(code, out, err);
    }

    private void finish(int code, PrintStream out, PrintStream err) {
        if (options.stdout() != null) {
            out.close();
        }
        if (options.stderr() != null) {
            err.close();
        }
        port.close(); // first: from now on the parent's posts fail loudly instead of landing unread
        for (Object m : port.takeUndelivered()) {
            worker.fireMessageError(new MessageError(m, "worker '" + options.name() + "' exited (code " + code
                    + ") before reading it"));
        }
        loop.closeOwned();
        worker.fireExit(code);
    }

    private PrintStream stream(Consumer<String> sink, PrintStream fallback) {
        if (sink == null) {
            return fallback;
        }
        return new PrintStream(new LineOutputStream(line -> worker.deliverOutput(sink, line)), true, StandardCharsets.UTF_8);
    }

    /** Something a handler on the worker's loop threw. */
    private void uncaught(Throwable t) {
        if (t instanceof ExitSignal || exitRequested) {
            loop.stop();
            return;
        }
        if (terminating) {
            return;
        }
        worker.fireError(t);
        if (options.uncaught() == UncaughtPolicy.EXIT) {
            exitCode = 1;
            exitRequested = true;
            loop.stop();
        }
    }

    ExitSignal requestExit(int code) {
        exitCode = code;
        exitRequested = true;
        loop.stop();
        return new ExitSignal();
    }

    void terminate(Thread thread) {
        terminating = true;
        loop.stop();
        thread.interrupt();
    }

    /** Thrown by {@code exit(code)} to unwind the worker's stack; carries nothing, needs no trace. */
    static final class ExitSignal extends Error {
        ExitSignal() {
            super("worker exit", null, false, false);
        }
    }
}
