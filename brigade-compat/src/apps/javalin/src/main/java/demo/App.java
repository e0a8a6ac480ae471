package demo;

import io.javalin.Javalin;

public class App {
    public static void main(String[] args) {
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "7070"));
        Javalin.create(config -> {
            config.routes.get("/", ctx -> ctx.result("Hello World from " + ProcessHandle.current().pid()));
        }).start(port);
    }
}
