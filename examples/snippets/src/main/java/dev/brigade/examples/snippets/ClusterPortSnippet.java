package dev.brigade.examples.snippets;

import com.sun.net.httpserver.HttpServer;
import dev.brigade.cluster.Cluster;
import dev.brigade.cluster.ClusterEvent;
import dev.brigade.cluster.ClusterSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/** README, "One port for every worker": an unmodified JDK HttpServer in every worker, on one shared port. */
public final class ClusterPortSnippet {
    private ClusterPortSnippet() {
    }

    /**
     * Run it as the primary; it forks its workers, each an HTTP server on the one declared port.
     *
     * @param args none
     * @throws Exception if a step fails
     */
    public static void main(String[] args) throws Exception {
        // README:begin
        Cluster cluster = Cluster.create(ClusterSettings.builder()
                .instances(2).listen("127.0.0.1", 0)   // listen(8080) in real life; 0: any free port
                .build());                             // .entry(ProcessEntry.jar(Path.of("app.jar"))): any server, unchanged
        if (cluster.isWorker()) {                      // an ordinary server, binding the port it was given
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(System.getenv("PORT"))), 0);
            server.createContext("/", exchange -> reply(exchange, "hello from worker " + cluster.self().id()));
            server.start();
            return;
        }
        CountDownLatch listening = new CountDownLatch(2);
        cluster.on(ClusterEvent.Listening.class, e -> listening.countDown());
        cluster.fork();
        listening.await();
        System.out.println(get(cluster.ports().get(0)));
        System.out.println("reloaded " + cluster.reload().join() + " workers"); // zero-downtime, one at a time
        cluster.scale(1);
        System.out.println(get(cluster.ports().get(0)) + ", " + cluster.workers().size() + " worker left");
        cluster.close();                               // drains the workers and frees the port
        // README:end
    }

    private static void reply(com.sun.net.httpserver.HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String get(int port) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body();
        }
    }
}
