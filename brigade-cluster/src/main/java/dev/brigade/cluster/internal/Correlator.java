package dev.brigade.cluster.internal;

import dev.brigade.cluster.ClusterException;
import dev.brigade.cluster.ClusterException.Code;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The one place where requests meet their replies, for one channel and both roles: it numbers
 * outgoing requests, completes or fails them when the reply, the timeout or the channel's end
 * comes first, and answers incoming requests exactly once, whatever the handler does.
 */
public final class Correlator {
    /** How a correlator puts frames on its channel. */
    public interface Sender {
        void send(Frame frame) throws Exception;
    }

    private final String peer;
    private final Sender sender;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private volatile ClusterException closed;
    volatile boolean swept; // registered with the Sweeper while requests are pending

    /** An outstanding request: its future and when it times out. */
    private record Pending(SpinFuture<byte[]> reply, long deadlineNanos, long timeoutMillis) {
    }

    private final java.util.function.Consumer<java.util.concurrent.Future<?>> helper;

    public Correlator(String peer, Sender sender) {
        this(peer, sender, null);
    }

    /** With {@code channel}: a thread blocked on a reply reads the channel itself for a while (SpinFuture). */
    public Correlator(String peer, Sender sender, IpcChannel channel) {
        this.peer = peer;
        this.sender = sender;
        this.helper = channel == null ? null : new ReplyReader(channel);
    }

    /**
     * Waits for a reply reading the channel (IpcChannel.awaitReply), completing the replies it reads.
     * Classes, not lambdas, here and below: this runs as a worker starts (see ClusterSettings.Builder).
     */
    private final class ReplyReader implements java.util.function.Consumer<java.util.concurrent.Future<?>>,
            java.util.function.Predicate<Frame> {
        private final IpcChannel channel;

        ReplyReader(IpcChannel channel) {
            this.channel = channel;
        }

        @Override
        public void accept(java.util.concurrent.Future<?> reply) {
            channel.awaitReply(reply, this);
        }

        @Override
        public boolean test(Frame f) {
            if (f instanceof Frame.Reply r) {
                complete(r);
                return true;
            }
            return false;
        }
    }

    /** Sends the one reply to a request once its answer is known. */
    private final class ReplySender implements java.util.function.BiConsumer<byte[], Throwable> {
        private final long id;

        ReplySender(long id) {
            this.id = id;
        }

        @Override
        public void accept(byte[] payload, Throwable error) {
            Frame.Reply r = error == null ? new Frame.Reply(id, true, payload)
                    : new Frame.Reply(id, false, describe(error).getBytes(StandardCharsets.UTF_8));
            try {
                sender.send(r);
            } catch (Exception e) {
                // the channel is gone: the requester's own close handling fails its future
            }
        }
    }

    /**
     * Sends a request; the future completes with the reply's payload or fails with a {@link ClusterException}.
     * The future is completed on the reading thread, and waiting on it spins briefly before it parks
     * ({@link SpinFuture}). Timeouts are checked every {@link Sweeper#TICK_MILLIS} ms, not by a timer
     * task per request: a round trip costs no timer-thread wake-up.
     */
    public CompletableFuture<byte[]> request(byte[] payload, Duration timeout) {
        if (closed != null) {
            return CompletableFuture.failedFuture(closed);
        }
        SpinFuture<byte[]> reply = new SpinFuture<>(helper);
        long id = ids.incrementAndGet();
        long millis = timeout.toMillis();
        pending.put(id, new Pending(reply, System.nanoTime() + timeout.toNanos(), millis));
        if (!swept) {
            Sweeper.watch(this);
        }
        if (closed != null) { // closed meanwhile: close() may have missed this one
            pending.remove(id);
            reply.completeExceptionally(closed);
            return reply;
        }
        try {
            sender.send(new Frame.Request(id, payload));
        } catch (Exception e) {
            pending.remove(id);
            reply.completeExceptionally(e instanceof IllegalArgumentException ? e
                    : new ClusterException(Code.CHANNEL_CLOSED, "request to " + peer + " could not be sent: " + e, e));
        }
        return reply;
    }

    /** Fails the requests whose time is up; true if requests are still pending. Sweeper thread. */
    boolean expire(long now) {
        for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            Pending p = e.getValue();
            if (now - p.deadlineNanos() >= 0) {
                it.remove();
                p.reply().completeExceptionally(new ClusterException(Code.REQUEST_TIMEOUT,
                        "request " + e.getKey() + " to " + peer + " got no reply within " + p.timeoutMillis() + " ms"));
            }
        }
        return !pending.isEmpty();
    }

    /** Completes the request this reply answers; a late reply (after its timeout) is dropped. */
    public void complete(Frame.Reply reply) {
        Pending p = pending.remove(reply.id());
        if (p == null) {
            return;
        }
        CompletableFuture<byte[]> f = p.reply();
        if (reply.ok()) {
            f.complete(reply.payload());
        } else {
            f.completeExceptionally(new ClusterException(Code.REQUEST_FAILED,
                    peer + " failed the request: " + new String(reply.payload(), StandardCharsets.UTF_8)));
        }
    }

    /** Runs {@code handler} for an incoming request and sends exactly one reply, even if it throws. */
    public void serve(Frame.Request request, Function<byte[], CompletionStage<byte[]>> handler) {
        CompletionStage<byte[]> answer;
        try {
            answer = handler.apply(request.payload());
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete(new ReplySender(request.id()));
    }

    /** Fails every pending request and any later one: the channel is gone. */
    public void close(String why) {
        closed = new ClusterException(Code.CHANNEL_CLOSED, "IPC channel to " + peer + " closed: " + why);
        for (var it = pending.values().iterator(); it.hasNext(); ) {
            Pending p = it.next();
            it.remove();
            p.reply().completeExceptionally(closed);
        }
    }

    private static String describe(Throwable error) {
        Throwable t = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
        return t.getClass().getName() + ": " + t.getMessage();
    }
}
