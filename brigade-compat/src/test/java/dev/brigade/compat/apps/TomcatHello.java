package dev.brigade.compat.apps;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.File;
import java.nio.file.Files;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;

/**
 * Embedded Tomcat 10.1's hello-world servlet as its guides write it (the engine under Spring
 * Boot's default web server): a blocking acceptor thread and a poller, no shutdown hook. The port
 * comes from {@code $PORT}, which the cluster sets.
 */
public final class TomcatHello {
    public static void main(String[] args) throws Exception {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("tomcat-hello").toString());
        tomcat.setPort(Integer.parseInt(System.getenv("PORT")));
        Context ctx = tomcat.addContext("", new File(".").getAbsolutePath());
        String hello = "Hello from " + ProcessHandle.current().pid() + "\n";
        Tomcat.addServlet(ctx, "hello", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setContentType("text/plain");
                resp.getWriter().write(hello);
            }
        });
        ctx.addServletMappingDecoded("/*", "hello");
        tomcat.getConnector();
        tomcat.start();
        tomcat.getServer().await();
    }
}
