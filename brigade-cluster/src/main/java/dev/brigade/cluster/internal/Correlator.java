package dev.brigade.cluster.internal;

import dev.brigade.cluster.ClusterException;
import dev.brigade.cluster.ClusterException.Code;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
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
    private final Map<Long, CompletableFuture<byte[]>> pending = new ConcurrentHashMap<>();
    private volatile ClusterException closed;

    public Correlator(String peer, Sender sender) {
        this.peer = peer;
        this.sender = sender;
    }

    /** Sends a request; the future completes with the reply's payload or fails with a {@link ClusterException}. */
    public CompletableFuture<byte[]> request(byte[] payload, Duration timeout) {
        CompletableFuture<byte[]> reply = new CompletableFuture<>();
        if (closed != null) {
            return CompletableFuture.failedFuture(closed);
        }
        long id = ids.incrementAndGet();
        pending.put(id, reply);
        long millis = timeout.toMillis();
        CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS).execute(() -> {
            if (reply.completeExceptionally(new ClusterException(Code.REQUEST_TIMEOUT,
                    "request " + id + " to " + peer + " got no reply within " + millis + " ms"))) {
                pending.remove(id);
            }
        });
        try {
            sender.send(new Frame.Request(id, payload));
        } catch (Exception e) {
            pending.remove(id);
            reply.completeExceptionally(e instanceof IllegalArgumentException ? e
                    : new ClusterException(Code.CHANNEL_CLOSED, "request to " + peer + " could not be sent: " + e, e));
        }
        return reply;
    }

    /** Completes the request this reply answers; a late reply (after its timeout) is dropped. */
    public void complete(Frame.Reply reply) {
        CompletableFuture<byte[]> f = pending.remove(reply.id());
        if (f == null) {
            return;
        }
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
        answer.whenComplete((payload, error) -> {
            Frame.Reply r = error == null ? new Frame.Reply(request.id(), true, payload)
                    : new Frame.Reply(request.id(), false, describe(error).getBytes(StandardCharsets.UTF_8));
            try {
                sender.send(r);
            } catch (Exception e) {
                // the channel is gone: the requester's own close handling fails its future
            }
        });
    }

    /** Fails every pending request and any later one: the channel is gone. */
    public void close(String why) {
        closed = new ClusterException(Code.CHANNEL_CLOSED, "IPC channel to " + peer + " closed: " + why);
        pending.values().forEach(f -> f.completeExceptionally(closed));
        pending.clear();
    }

    private static String describe(Throwable error) {
        Throwable t = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
        return t.getClass().getName() + ": " + t.getMessage();
    }
}
