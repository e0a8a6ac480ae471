package demo;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

public class MainVerticle extends VerticleBase {
    @Override
    public Future<?> start() {
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8888"));
        return vertx.createHttpServer()
                .requestHandler(req -> req.response()
                        .putHeader("content-type", "text/plain")
                        .end("Hello World from " + ProcessHandle.current().pid()))
                .listen(port);
    }
}
