package dev.brigade.manager.daemon;

import java.io.EOFException;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real daemon inside this JVM ({@link Foreground}: the control socket, the connections, the
 * dispatcher and the launcher's pipe, in a private home of its own), so that Jazzer's coverage
 * instrumentation sees its code; and the checks a fuzz input must pass against it. Every failed check
 * is an {@link AssertionError}: a finding.
 */
final class FuzzedDaemon implements AutoCloseable {
    /** How long the daemon may take to end a connection the client has half-closed, or to answer on the pipe. */
    static final long BOUND_MS = 15_000;
    /** The same for the warm-up, while Jazzer instruments every class the daemon loads (tens of seconds on a busy machine). */
    static final long WARM_UP_MS = 180_000;
    private static final Set<String> CODES = Set.of("UNKNOWN_APP", "NAME_TAKEN", "INVALID", "PROTOCOL", "VERSION", "BUSY", "PORT_IN_USE");

    final Home home;
    private final Foreground daemon;
    private final List<Thread> threads;
    private final Set<Long> children;
    private final ConcurrentLinkedQueue<String> died = new ConcurrentLinkedQueue<>();
    private long boundMs = WARM_UP_MS;
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().factory());

    private FuzzedDaemon(Home home, Foreground daemon, List<Thread> threads, Set<Long> children) {
        this.home = home;
        this.daemon = daemon;
        this.threads = threads;
        this.children = children;
    }

    /** Starts the daemon in a fresh private home and waits until it serves its socket and its pipe. */
    static FuzzedDaemon start() throws Exception {
        Home home = new Home(Files.createTempDirectory("brigade-fuzz-").resolve("home"));
        Foreground daemon = Foreground.open(home, line -> { });
        org.awaitility.Awaitility.await("the daemon serving its socket and pipe in " + home.dir())
                .atMost(java.time.Duration.ofMillis(WARM_UP_MS)).pollInterval(java.time.Duration.ofMillis(20))
                .until(() -> Files.exists(home.socket()) && Files.exists(ListFifo.pidFile(home)) && live("brigade-timer").size() == 1);
        List<Thread> threads = Stream.of("brigade-control", "brigade-ls-fifo", "brigade-timer").flatMap(n -> live(n).stream()).toList();
        if (threads.size() != 3) {
            throw new AssertionError("expected the daemon's control, pipe and timer threads, found " + threads);
        }
        Set<Long> children = ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toSet()); // the orphan guard
        FuzzedDaemon d = new FuzzedDaemon(home, daemon, threads, children);
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            d.died.add(t.getName() + ": " + e);
            if (previous != null) {
                previous.uncaughtException(t, e);
            }
        });
        d.warmUp();
        return d;
    }

    /**
     * One round of everything the fuzz inputs do, with a long bound: the daemon's classes (and Jackson's) are loaded and
     * instrumented here, not during the first inputs, whose bound is {@link #BOUND_MS}.
     */
    private void warmUp() throws Exception {
        String[] requests = {"{\"type\":\"ping\"}", "{\"type\":\"list\"}", "{\"type\":\"describe\",\"target\":\"all\"}",
            "{\"type\":\"logs\",\"target\":\"all\",\"lines\":5,\"follow\":false}", "{\"type\":\"scale\",\"target\":\"x\",\"instances\":2}",
            "{\"type\":\"start\",\"specs\":[{\"name\":\"-\",\"command\":[]}]}", "{\"type\":\"save\"}", "{\"type\":\"resurrect\"}",
            "{\"type\":\"stop\",\"target\":\"x\"}", "{\"type\":\"nope\"}"};
        java.io.ByteArrayOutputStream frames = new java.io.ByteArrayOutputStream();
        for (String r : requests) {
            byte[] body = ("{\"v\":1,\"request\":" + r + "}").getBytes(StandardCharsets.UTF_8);
            frames.writeBytes(ByteBuffer.allocate(4).putInt(body.length).array());
            frames.writeBytes(body);
        }
        byte[] stream = frames.toByteArray();
        check(ControlOracle.of(stream), exchange(stream));
        fifo("ls json 1\n".getBytes(StandardCharsets.US_ASCII));
        checkServing(true);
        boundMs = BOUND_MS;
    }

    private static List<Thread> live(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name) && t.isAlive()).toList();
    }

    /**
     * Sends {@code stream} on one connection, half-closes, and returns every answer until the daemon closes. A daemon that
     * closes a connection with bytes of it unread (it refused a frame, and stops there) makes the kernel report a reset
     * after the last answer, instead of an end of stream: both end the exchange.
     */
    Exchange exchange(byte[] stream) throws Exception {
        List<Response> answers = new ArrayList<>();
        String[] writeFailure = {null};
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(home.socket()))) {
            var stuck = watchdog.schedule(() -> Connections.closeQuietly(ch), boundMs, TimeUnit.MILLISECONDS);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    ByteBuffer b = ByteBuffer.wrap(stream);
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                    ch.shutdownOutput();
                } catch (IOException e) {
                    writeFailure[0] = e.toString(); // the daemon closed before taking everything: it refused an earlier frame
                }
            }, r -> Thread.ofVirtual().start(r));
            try {
                while (true) {
                    answers.add(decode(Protocol.read(ch)));
                }
            } catch (EOFException | java.nio.channels.ClosedChannelException e) {
                // the daemon ended the connection (or the watchdog did: checked below)
            } catch (java.net.SocketException e) {
                if (!String.valueOf(e.getMessage()).contains("reset")) {
                    throw e;
                }
            }
            if (!stuck.cancel(false)) {
                throw new AssertionError("the daemon neither answered nor closed the connection within " + boundMs
                        + " ms of the client's hang-up; answers so far: " + answers);
            }
            writer.get(boundMs, TimeUnit.MILLISECONDS);
        }
        return new Exchange(answers, stream.length, writeFailure[0]);
    }

    /** The answers of one connection, and how sending went. */
    record Exchange(List<Response> answers, int sent, String writeFailure) {
    }

    private static Response decode(byte[] body) {
        try {
            return Protocol.JSON.readValue(body, Response.class);
        } catch (IOException e) {
            throw new AssertionError("the daemon answered a frame that is not a response: "
                    + new String(body, StandardCharsets.UTF_8) + " (" + e.getMessage() + ")");
        }
    }

    /** The answers to the stream of {@code oracle} must be the ones it predicts, in the protocol's vocabulary. */
    static void check(ControlOracle oracle, Exchange exchange) {
        List<Response> answers = exchange.answers();
        for (Response r : answers) {
            if (r instanceof Response.Failure f && !CODES.contains(f.code()) && !resurrectOfNothing(f)) {
                throw new AssertionError("the daemon failed on a request instead of refusing it: " + f);
            }
        }
        if (answers.size() != oracle.answers()) {
            throw new AssertionError("expected " + oracle.answers() + " answer(s), got " + answers.size() + ": " + answers
                    + " (sent " + exchange.sent() + " bytes" + (exchange.writeFailure() == null ? "" : ", then " + exchange.writeFailure()) + ")");
        }
        if (oracle.lastCode() != null && !(answers.getLast() instanceof Response.Failure f && f.code().equals(oracle.lastCode()))) {
            throw new AssertionError("the last answer should be a " + oracle.lastCode() + " failure: " + answers);
        }
    }

    /** The one FAILED answer a well-formed request gets here: resurrect with no dump.json (no app was ever saved). */
    private static boolean resurrectOfNothing(Response.Failure f) {
        return f.code().equals("FAILED") && f.message().startsWith("nothing to resurrect");
    }

    /**
     * Writes {@code junk} into {@code ls.fifo}, then a newline and a well-formed {@code ls table} for a reply pipe of a
     * random number no fuzz input can guess: the daemon must answer it ("ok N" and N lines of the table).
     */
    void fifo(byte[] junk) throws Exception {
        String pid = Long.toString(ThreadLocalRandom.current().nextLong(100_000_000L, 1_000_000_000L));
        Path reply = home.dir().resolve("ls-" + pid + ".fifo");
        if (ListFifo.Posix.LIB.mkfifo(reply.toString(), 0600) != 0) {
            throw new IOException("mkfifo " + reply + " failed");
        }
        try (FileChannel in = FileChannel.open(reply, StandardOpenOption.READ, StandardOpenOption.WRITE);
             FileChannel out = FileChannel.open(ListFifo.path(home), StandardOpenOption.WRITE)) {
            ByteBuffer all = ByteBuffer.allocate(junk.length + 32);
            all.put(junk).put(("\nls table " + pid + "\n").getBytes(StandardCharsets.US_ASCII)).flip();
            while (all.hasRemaining()) {
                out.write(all);
            }
            String answer = CompletableFuture.supplyAsync(() -> readAnswer(in), r -> Thread.ofVirtual().start(r))
                    .get(boundMs, TimeUnit.MILLISECONDS);
            String table = Listing.table(List.of());
            if (!answer.equals("ok " + table.lines().count() + "\n" + table)) {
                throw new AssertionError("the pipe answered " + answer);
            }
        } catch (TimeoutException e) {
            throw new AssertionError("the daemon did not answer 'ls table' on its pipe within " + boundMs + " ms after "
                    + junk.length + " bytes of junk");
        } finally {
            Files.deleteIfExists(reply);
        }
    }

    /** "ok N" and then N lines. */
    private static String readAnswer(FileChannel in) {
        StringBuilder text = new StringBuilder();
        ByteBuffer b = ByteBuffer.allocate(4096);
        try {
            while (true) {
                int nl = text.indexOf("\n");
                if (nl > 0 && text.substring(0, nl).matches("ok \\d+")) {
                    long want = Long.parseLong(text.substring(3, nl));
                    if (text.chars().filter(c -> c == '\n').count() >= want + 1) {
                        return text.toString();
                    }
                } else if (nl >= 0) {
                    return text.toString(); // not an ls answer: reported
                }
                in.read(b.clear());
                text.append(new String(b.array(), 0, b.position(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The daemon still serves as it did: none of its threads died, no app was started, and every byte of the frame budget
     * is back; with {@code full}, also a real client's {@code ping} and {@code list} are answered (its pid, no apps) and
     * no process was started (a walk through /proc: every few inputs only).
     */
    void checkServing(boolean full) throws Exception {
        if (!died.isEmpty()) {
            throw new AssertionError("a thread died: " + died);
        }
        for (Thread t : threads) {
            if (!t.isAlive()) {
                throw new AssertionError("the daemon's thread " + t.getName() + " is gone");
            }
        }
        if (!daemon.apps().isEmpty()) {
            throw new AssertionError("an app was started from fuzz input: " + daemon.apps());
        }
        // the budget is given back before the daemon closes a connection: nothing may be outstanding now
        if (Protocol.BUDGET.availablePermits() != Protocol.BUDGET_BYTES) {
            throw new AssertionError("the frame budget leaked: " + Protocol.BUDGET.availablePermits() + " of "
                    + Protocol.BUDGET_BYTES + " bytes free with no connection open");
        }
        if (!full) {
            return;
        }
        List<Long> started = ProcessHandle.current().children().map(ProcessHandle::pid).filter(p -> !children.contains(p)).toList();
        if (!started.isEmpty()) {
            throw new AssertionError("processes were started from fuzz input: " + started);
        }
        try (DaemonClient c = DaemonClient.tryConnect(home)) {
            if (c == null) {
                throw new AssertionError("the daemon no longer accepts a client on " + home.socket());
            }
            Response ping = c.send(new Request.Ping());
            if (!(ping instanceof Response.Ok ok && ok.message().startsWith("daemon " + ProcessHandle.current().pid() + " "))) {
                throw new AssertionError("ping answered " + ping);
            }
            Response list = c.send(new Request.ListApps());
            if (!(list instanceof Response.Apps apps && apps.apps().isEmpty())) {
                throw new AssertionError("list answered " + list);
            }
        }
    }

    @Override
    public void close() throws IOException {
        watchdog.shutdownNow();
        daemon.stopAll();
        try (Stream<Path> all = Files.walk(home.dir().getParent())) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
