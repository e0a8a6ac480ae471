package dev.brigade.manager.cli;

import dev.brigade.manager.config.AppOptions;
import dev.brigade.manager.config.AppResolver;
import dev.brigade.manager.config.ConfigException;
import dev.brigade.manager.daemon.AppInfo;
import dev.brigade.manager.daemon.Listing;
import dev.brigade.manager.daemon.Protocol;
import dev.brigade.manager.daemon.Request;
import dev.brigade.manager.daemon.Response;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/*
 * The CLI's class-data training run. The launcher (./brigade) runs it once per build with
 * -XX:ArchiveClassesAtExit, and every later command starts from that archive. An archive written
 * at the exit of whichever command happened to run first (-XX:+AutoCreateSharedArchive) only
 * held that command's classes: after a first `brigade ls`, `start` still loaded ~600 Jackson
 * classes from their jars. This run touches what the commands share, with no daemon and no
 * output: every command's picocli model and help, the control protocol's JSON both ways (each
 * request and response type), the ls table and JSON, and a Unix-domain socket channel.
 */
/** Loads the classes the CLI's commands use, for the launcher's class-data archive. */
public final class Train {
    private Train() {
    }

    public static void main(String[] args) throws IOException {
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        Main.run(new String[] {"--help"}, nowhere, nowhere);
        for (Class<?> c : Main.COMMANDS) {
            String name = c.getAnnotation(picocli.CommandLine.Command.class).name();
            Main.run(new String[] {name, "--help"}, nowhere, nowhere);
        }
        Main.run(new String[] {"start", "--no-such-option"}, nowhere, nowhere); // the usage-error path

        Memory ch = new Memory();
        for (String request : List.of("{\"type\":\"list\"}", "{\"type\":\"describe\",\"target\":\"web\"}",
                "{\"type\":\"logs\",\"target\":\"all\",\"lines\":20,\"follow\":false}", "{\"type\":\"stop\",\"target\":\"web\"}",
                "{\"type\":\"start\",\"specs\":[" + SPEC + "]}")) {
            ch.frame("{\"v\":" + Protocol.VERSION + ",\"request\":" + request + "}");
            Request r = Protocol.readEnvelope(ch).request();
            Protocol.writeRequest(ch, r);
            Protocol.readEnvelope(ch);
        }
        for (String response : List.of("{\"type\":\"apps\",\"apps\":[" + APP + "]}", "{\"type\":\"ok\",\"message\":\"started\",\"apps\":[" + APP + "]}",
                "{\"type\":\"failure\",\"code\":\"UNKNOWN_APP\",\"message\":\"no app\"}",
                "{\"type\":\"log\",\"app\":\"web\",\"instance\":0,\"stderr\":false,\"text\":\"hello\"}")) {
            ch.frame(response);
            Response r = Protocol.readResponse(ch);
            List<AppInfo> apps = ManagerCommand.apps(r);
            Listing.table(apps);
            Listing.json(apps);
            Protocol.writeResponse(ch, r);
            Protocol.readResponse(ch);
        }
        SocketChannel.open(StandardProtocolFamily.UNIX).close();
        try { // what `start` does before it asks the daemon: resolve a main-class app and a command
            Path here = Path.of(System.getProperty("java.home"));
            AppResolver.resolve(new AppOptions("web", "app.Main", List.of(), here.toString(), "2", "8080", null,
                    Map.of("K", "V"), List.of("-Xmx1g"), "512M", "5s", "30s", "10", "100ms", "1s", null, null), here, key -> key);
            AppResolver.resolve(new AppOptions(null, "sh", List.of("-c", "true"), null, null, null, null, null, null, null, null,
                    null, null, null, null, null, null), here, key -> key);
        } catch (ConfigException e) {
            // a machine without sh: the archive simply lacks the rest
        }
    }

    private static final String SPEC = "{\"name\":\"web\",\"kind\":\"main\",\"command\":[\"java\",\"-cp\",\"app.jar\",\"app.Main\"],"
            + "\"cwd\":\"/\",\"instances\":2,\"env\":{\"K\":\"V\"},\"port\":8080,\"maxMemoryBytes\":0,\"killTimeoutMs\":5000,"
            + "\"listenTimeoutMs\":30000,\"maxRestarts\":10,\"restartDelayMs\":100,\"mode\":\"cluster\",\"java\":{\"javaBin\":\"java\","
            + "\"jar\":null,\"mainClass\":\"app.Main\",\"classpath\":\"app.jar\",\"jvmArgs\":[],\"args\":[]}}";
    private static final String APP = "{\"id\":1,\"name\":\"web\",\"mode\":\"cluster\",\"spec\":" + SPEC + ",\"instances\":[{\"instance\":0,"
            + "\"pid\":42,\"status\":\"listening\",\"uptimeMs\":1000,\"restarts\":0,\"cpuPercent\":1.5,\"memoryBytes\":33554432,"
            + "\"lastExit\":null,\"logFile\":\"/tmp/web-0.log\",\"lastLines\":[\"hello\"]}],\"logDir\":\"/tmp\",\"logError\":null,\"ports\":[8080]}";

    /** A byte channel that reads back what was written to it. */
    private static final class Memory implements ByteChannel {
        private ByteBuffer data = ByteBuffer.allocate(1 << 16).flip();

        void frame(String json) {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            write(ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).flip());
        }

        @Override
        public int read(ByteBuffer dst) {
            if (!data.hasRemaining()) {
                return -1; // a sample that does not parse ends the run with an error, not a hang
            }
            int n = Math.min(dst.remaining(), data.remaining());
            dst.put(data.slice(data.position(), n));
            data.position(data.position() + n);
            return n;
        }

        @Override
        public int write(ByteBuffer src) {
            int n = src.remaining();
            data = ByteBuffer.allocate(data.remaining() + n).put(data).put(src).flip();
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
