package demo;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;

public class App {
    public static void main(String[] args) {
        Vertx vertx = Vertx.vertx();
        vertx.deployVerticle(MainVerticle::new, new DeploymentOptions().setInstances(2));
    }
}
