package dev.brigade.manager.cli;

/** A tiny app for main-class tests: says which instance it is, then waits to be stopped. */
public final class TestApp {
    private TestApp() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.out.println("test app instance " + System.getenv("BRIGADE_INSTANCE") + " port " + System.getenv("PORT")
                + " args " + String.join(",", args) + " | SERVER_PORT " + System.getenv("SERVER_PORT") + " QUARKUS_HTTP_PORT "
                + System.getenv("QUARKUS_HTTP_PORT") + " MICRONAUT_SERVER_PORT " + System.getenv("MICRONAUT_SERVER_PORT")
                + " cwd " + System.getProperty("user.dir") + " marker " + java.nio.file.Files.exists(java.nio.file.Path.of("marker")));
        System.out.flush();
        new java.util.concurrent.CountDownLatch(1).await(); // runs until it is stopped
    }
}
