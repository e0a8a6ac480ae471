package dev.brigade.agent.apps;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Files;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/** An unmodified embedded Tomcat 10.1 (NIO connector) with one servlet. Args: host port. */
public final class TomcatApp {
    public static void main(String[] args) throws Exception {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("tomcat-app").toString());
        Connector connector = new Connector();
        connector.setProperty("address", args[0]);
        connector.setPort(Integer.parseInt(args[1]));
        tomcat.setConnector(connector);
        Context ctx = tomcat.addContext("", null);
        byte[] body = Apps.body();
        Tomcat.addServlet(ctx, "pid", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
                res.setContentLength(body.length);
                res.getOutputStream().write(body);
            }
        });
        ctx.addServletMappingDecoded("/*", "pid");
        tomcat.start();
        Apps.ready(connector.getLocalPort());
    }
}
