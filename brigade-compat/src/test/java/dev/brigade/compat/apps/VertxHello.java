package dev.brigade.compat.apps;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;

/**
 * Vert.x 5's HTTP server verticle as its guide writes it, deployed as 2 instances (Vert.x shares
 * one server socket between them, on Netty's NIO transport), no shutdown hook. The port comes from
 * {@code $PORT}, which the cluster sets.
 */
public final class VertxHello extends VerticleBase {
    private static final String HELLO = "Hello from " + ProcessHandle.current().pid() + "\n";

    @Override
    public Future<?> start() {
        return vertx.createHttpServer()
                .requestHandler(req -> req.response().putHeader("content-type", "text/plain").end(HELLO))
                .listen(Integer.parseInt(System.getenv("PORT")));
    }

    public static void main(String[] args) {
        Vertx vertx = Vertx.vertx();
        vertx.deployVerticle(VertxHello::new, new DeploymentOptions().setInstances(2));
    }
}
