import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** A JDK HttpServer on $PORT ("pid PID") whose shutdown hook says, on stdout, that it ran to its end. */
public class HookMark {
    public static void main(String[] args) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(System.getenv("PORT"))), 0);
        long pid = ProcessHandle.current().pid();
        server.createContext("/", exchange -> {
            byte[] body = ("pid " + pid).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop(0);
            System.out.println("shutdown hook of pid " + pid + " done");
            System.out.flush();
        }));
    }
}
