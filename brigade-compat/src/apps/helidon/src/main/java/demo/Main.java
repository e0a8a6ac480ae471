package demo;

import io.helidon.config.Config;
import io.helidon.webserver.WebServer;

public class Main {
    public static void main(String[] args) {
        Config config = Config.create();
        WebServer server = WebServer.builder()
                .config(config.get("server"))
                .routing(routing -> routing.get("/", (req, res) -> res.send("Hello World from " + ProcessHandle.current().pid())))
                .build()
                .start();
        System.out.println("WEB server is up! http://localhost:" + server.port() + "/");
    }
}
