package dev.brigade.compat.apps;

import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty 12's embedded hello world as its documentation writes it ({@code new Server(port)}, a
 * core handler, {@code start}, {@code join}): blocking acceptor threads, no shutdown hook. The port
 * comes from {@code $PORT}, which the cluster sets.
 */
public final class JettyHello {
    public static void main(String[] args) throws Exception {
        Server server = new Server(Integer.parseInt(System.getenv("PORT")));
        String body = "Hello from " + ProcessHandle.current().pid() + "\n";
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.getBytes(StandardCharsets.UTF_8).length);
                Content.Sink.write(response, true, body, callback);
                return true;
            }
        });
        server.start();
        server.join();
    }
}
