package dev.brigade.cluster.internal;

import dev.brigade.cluster.ClusterWorker;
import dev.brigade.cluster.MessageCodec;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/** What answers a worker's request in the primary: the cluster's request handler, or a named service. */
public final class Requests {
    /** The key that marks a request as addressed to a named service, and the key of its body. */
    public static final String SERVICE_KEY = "$brigade.service";
    public static final String SERVICE_BODY = "body";

    private volatile BiFunction<ClusterWorker, Object, Object> handler;
    private final Map<String, BiFunction<ClusterWorker, Object, Object>> services = new ConcurrentHashMap<>();

    void onRequest(BiFunction<ClusterWorker, Object, Object> h) {
        handler = h;
    }

    void service(String name, BiFunction<ClusterWorker, Object, Object> h) {
        services.put(name, h);
    }

    CompletionStage<byte[]> answer(ClusterWorker from, byte[] request, MessageCodec codec) {
        Object decoded = codec.decode(request);
        BiFunction<ClusterWorker, Object, Object> h = handler;
        if (decoded instanceof Map<?, ?> m && m.get(SERVICE_KEY) instanceof String name) {
            h = services.get(name);
            if (h == null) {
                return CompletableFuture.failedFuture(new IllegalStateException("the primary offers no service '" + name
                        + "' (services: " + services.keySet() + ")"));
            }
            decoded = m.get(SERVICE_BODY);
        } else if (h == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("the primary has no request handler (Cluster.onRequest)"));
        }
        Object result = h.apply(from, decoded);
        return result instanceof CompletionStage<?> s ? s.thenApply(codec::encode) : CompletableFuture.completedFuture(codec.encode(result));
    }
}
