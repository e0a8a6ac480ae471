import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A plain JDK HttpServer on $PORT that knows nothing of Brigade; answers what its environment says of it:
 * "pid PID instance BRIGADE_INSTANCE standby BRIGADE_STANDBY child-instance X", X being BRIGADE_INSTANCE in the
 * environment a ProcessBuilder of the app would give a child process. GET /exit: it answers, then exits with code 0.
 */
public class EnvServer {
    public static void main(String[] args) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(System.getenv("PORT"))), 0);
        String me = "pid " + ProcessHandle.current().pid() + " instance " + System.getenv("BRIGADE_INSTANCE")
                + " standby " + System.getenv("BRIGADE_STANDBY")
                + " child-instance " + new ProcessBuilder().environment().get("BRIGADE_INSTANCE");
        server.createContext("/", exchange -> {
            byte[] body = me.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.createContext("/exit", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
            new Thread(() -> System.exit(0)).start();
        });
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0)));
    }
}
