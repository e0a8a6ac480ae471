package dev.brigade.compat.apps;

import io.undertow.Undertow;
import io.undertow.util.Headers;

/**
 * Undertow's getting-started hello world: XNIO accepts on every I/O thread's selector, no shutdown
 * hook. The port comes from {@code $PORT}, which the cluster sets.
 */
public final class UndertowHello {
    public static void main(String[] args) {
        String hello = "Hello from " + ProcessHandle.current().pid() + "\n";
        Undertow server = Undertow.builder()
                .addHttpListener(Integer.parseInt(System.getenv("PORT")), "0.0.0.0")
                .setHandler(exchange -> {
                    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
                    exchange.getResponseSender().send(hello);
                }).build();
        server.start();
    }
}
