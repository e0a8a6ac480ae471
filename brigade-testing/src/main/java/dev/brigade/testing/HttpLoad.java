package dev.brigade.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * A closed-loop HTTP/1.1 load client for loopback tests and benchmarks, in the spirit of wrk:
 * {@code connections} clients each send a GET, read the whole response, and send the next, for
 * a fixed time. Unlike a general-purpose client it never retries and never hides a failure:
 * a refused or reset connection, a response cut short, or a non-2xx status each count as one
 * failed request, with the reason. A read timeout's reason says where the response was (waiting for
 * the status line, in the headers, in the body) and how many of its bytes had come; the first few
 * failures are kept whole ({@link Result#samples}: wall-clock time, the client's local port, how many
 * requests the connection had served), so that one can be matched to a server's log lines.
 *
 * <p>Two modes: {@code keepAlive} reuses a connection until the server answers
 * {@code Connection: close} (then reconnects, which is not a failure); otherwise every request
 * opens a new connection. Response bodies are tallied by their first line, so a server that
 * answers with its pid shows how requests spread over workers.
 */
public final class HttpLoad {
    /**
     * What a run measured.
     *
     * @param ok requests answered with a 2xx status
     * @param failed requests that failed
     * @param failures failed requests by reason
     * @param bodies successful requests by the first line of their body
     * @param p50Micros median latency, microseconds
     * @param p99Micros 99th percentile latency, microseconds
     * @param seconds how long the run took
     * @param samples the first few failures ({@value #SAMPLES} at most), in the order they happened
     */
    public record Result(long ok, long failed, Map<String, Long> failures, Map<String, Long> bodies,
                         double p50Micros, double p99Micros, double seconds, List<Failure> samples) {
        /**
         * Successful requests per second over the run.
         *
         * @return the rate
         */
        public double requestsPerSecond() {
            return ok / seconds;
        }

        /**
         * The largest share of successful requests answered with one body (e.g. one worker's pid), in percent.
         *
         * @return the share, 0..100
         */
        public double maxSharePercent() {
            long max = bodies.values().stream().mapToLong(Long::longValue).max().orElse(0);
            return ok == 0 ? 0 : 100.0 * max / ok;
        }
    }

    /** How many failures a run keeps in full ({@link Result#samples}). */
    public static final int SAMPLES = 8;

    /**
     * One failed request, enough to find it in a server's logs and in {@code ss} output.
     *
     * @param at wall-clock time the request was sent
     * @param failedAt wall-clock time it failed
     * @param localPort the client's port (0: not connected)
     * @param served requests this connection had answered before this one (0: a new connection)
     * @param why the failure key, as counted in {@link Result#failures}
     */
    public record Failure(java.time.Instant at, java.time.Instant failedAt, int localPort, long served, String why) {
        @Override
        public String toString() {
            return "sent " + at + ", failed " + failedAt + ", client port " + localPort + ", after " + served
                    + " answered on this connection: " + why;
        }
    }

    private final String host;
    private final int port;
    private final String path;
    private final int connections;
    private final boolean keepAlive;
    private final LongAdder ok = new LongAdder();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> bodies = new ConcurrentHashMap<>();
    private final Recorder latency = new Recorder(3);
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Failure> samples = java.util.Collections.synchronizedList(new ArrayList<>());

    /**
     * A load of {@code connections} clients sending {@code GET path} to {@code host:port}.
     *
     * @param host the server's address
     * @param port the server's port
     * @param path the path requested, e.g. {@code "/"}
     * @param connections concurrent clients, 1..4096
     * @param keepAlive whether a client reuses its connection
     */
    public HttpLoad(String host, int port, String path, int connections, boolean keepAlive) {
        if (connections < 1 || connections > 4096) {
            throw new IllegalArgumentException("connections must be in 1..4096, got " + connections);
        }
        this.host = host;
        this.port = port;
        this.path = path;
        this.connections = connections;
        this.keepAlive = keepAlive;
    }

    /**
     * Runs for {@code duration} (or until {@link #stop()}), then returns the tally.
     *
     * @param duration how long to run
     * @return the tally
     * @throws InterruptedException if this thread is interrupted while waiting
     */
    public Result run(Duration duration) throws InterruptedException {
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            clients.add(Thread.ofPlatform().daemon().name("http-load-" + i).start(() -> client(end)));
        }
        for (Thread t : clients) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        var h = latency.getIntervalHistogram();
        return new Result(ok.sum(), failures.values().stream().mapToLong(LongAdder::sum).sum(), tally(failures),
                tally(bodies), h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3, seconds, List.copyOf(samples));
    }

    /** Something to do while the load runs (a reload, a kill). */
    @FunctionalInterface
    public interface Action {
        /**
         * Runs the action.
         *
         * @throws Exception whatever the action throws
         */
        void run() throws Exception;
    }

    /**
     * Runs the load for as long as {@code action} takes (on the calling thread), then stops it and
     * returns the tally: "how many requests failed while this happened".
     *
     * @param action what happens under load (a reload, a kill)
     * @return the tally of the load while the action ran
     * @throws Exception whatever the action throws
     */
    public Result during(Action action) throws Exception {
        java.util.concurrent.CompletableFuture<Result> running = new java.util.concurrent.CompletableFuture<>();
        Thread.ofPlatform().daemon().name("http-load").start(() -> {
            try {
                running.complete(run(Duration.ofDays(1)));
            } catch (Throwable t) {
                running.completeExceptionally(t);
            }
        });
        try {
            action.run();
        } finally {
            stop();
        }
        return running.get(60, java.util.concurrent.TimeUnit.SECONDS);
    }

    /**
     * Successful requests so far in the current run (for actions that wait on the load's progress).
     *
     * @return the count
     */
    public long completed() {
        return ok.sum();
    }

    /**
     * Waits until at least {@code n} more requests have succeeded, or {@code limit} passed; returns whether they did.
     *
     * @param n how many more successful requests
     * @param limit the longest wait
     * @return true if they did, false if the time ran out
     * @throws InterruptedException if this thread is interrupted while waiting
     */
    public boolean awaitCompleted(long n, Duration limit) throws InterruptedException {
        long target = completed() + n;
        long end = System.nanoTime() + limit.toNanos();
        while (completed() < target) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(5); // polling a counter the clients bump; the load itself is the event source
        }
        return true;
    }

    /** Ends a run early (from another thread). */
    public void stop() {
        stop.set(true);
    }

    private void client(long end) {
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n"
                + (keepAlive ? "" : "Connection: close\r\n") + "\r\n").getBytes(StandardCharsets.US_ASCII);
        Socket socket = null;
        InputStream in = null;
        long served = 0;
        while (!stop.get() && System.nanoTime() < end) {
            long t0 = System.nanoTime();
            long sent = System.currentTimeMillis();
            Progress progress = new Progress();
            try {
                if (socket == null) {
                    served = 0;
                    progress.where = "connecting";
                    socket = new Socket();
                    socket.setTcpNoDelay(true);
                    socket.setSoTimeout(10_000);
                    socket.connect(new InetSocketAddress(host, port), 5_000);
                    in = new BufferedInputStream(socket.getInputStream(), 8192);
                }
                progress.where = "sending";
                OutputStream out = socket.getOutputStream();
                out.write(request);
                out.flush();
                Response r = Response.read(in, progress);
                latency.recordValue(System.nanoTime() - t0);
                served++;
                if (r.status() / 100 == 2) {
                    ok.increment();
                    bodies.computeIfAbsent(r.firstBodyLine(), k -> new LongAdder()).increment();
                } else {
                    fail("HTTP " + r.status(), sent, socket, served - 1);
                }
                if (!keepAlive || r.close()) {
                    socket.close();
                    socket = null;
                }
            } catch (IOException e) {
                fail(e.getClass().getSimpleName() + ": " + e.getMessage() + (e instanceof SocketTimeoutException
                        ? " " + progress.where + " (" + progress.bytes + " bytes of the response received)" : ""), sent, socket, served);
                closeQuietly(socket);
                socket = null;
            }
        }
        closeQuietly(socket);
    }

    private void fail(String why, long sent, Socket socket, long served) {
        failures.computeIfAbsent(why, k -> new LongAdder()).increment();
        if (samples.size() < SAMPLES) {
            samples.add(new Failure(java.time.Instant.ofEpochMilli(sent), java.time.Instant.now(),
                    socket == null ? 0 : socket.getLocalPort(), served, why));
        }
    }

    /** Where a request's response was when it failed: what a read timeout reports. */
    static final class Progress {
        String where = "waiting for the status line";
        long bytes;
    }

    private static void closeQuietly(Socket s) {
        try {
            if (s != null) {
                s.close();
            }
        } catch (IOException ignored) {
            // closing a broken socket: nothing left to do
        }
    }

    private static Map<String, Long> tally(Map<String, LongAdder> m) {
        Map<String, Long> out = new java.util.TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** A parsed response: status, whether the server closes, first body line. */
    record Response(int status, boolean close, String firstBodyLine) {
        static Response read(InputStream in) throws IOException {
            return read(in, new Progress());
        }

        static Response read(InputStream in, Progress progress) throws IOException {
            progress.where = "waiting for the status line";
            String statusLine = line(in, progress);
            if (statusLine == null) {
                throw new IOException("connection closed before a response");
            }
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP response: " + statusLine);
            }
            int status = Integer.parseInt(parts[1]);
            int length = -1;
            boolean close = parts[0].equals("HTTP/1.0");
            String h;
            progress.where = "in the headers";
            while ((h = line(in, progress)) != null && !h.isEmpty()) {
                String lower = h.toLowerCase();
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(lower.substring(15).trim());
                } else if (lower.startsWith("connection:")) {
                    close = lower.contains("close");
                }
            }
            if (h == null) {
                throw new IOException("response cut short in its headers");
            }
            if (length < 0) {
                throw new IOException("response without Content-Length (not supported by this client)");
            }
            progress.where = "in the body of " + length + " bytes";
            byte[] body = in.readNBytes(length);
            if (body.length < length) {
                throw new IOException("response body cut short: " + body.length + " of " + length + " bytes");
            }
            String text = new String(body, StandardCharsets.UTF_8);
            int nl = text.indexOf('\n');
            return new Response(status, close, nl < 0 ? text : text.substring(0, nl));
        }

        private static String line(InputStream in, Progress progress) throws IOException {
            StringBuilder sb = new StringBuilder(64);
            int c;
            while ((c = in.read()) != -1) {
                progress.bytes++;
                if (c == '\n') {
                    int n = sb.length();
                    return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
                }
                sb.append((char) c);
            }
            return sb.length() == 0 ? null : sb.toString();
        }
    }
}
