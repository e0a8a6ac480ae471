package dev.brigade.manager.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code brigade dashboard}, over HTTP: a real daemon, a real app, the JDK's HTTP client and raw sockets. */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class DashboardHttpTest {
    static final Duration BOUND = RunProcess.BOUND;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();

    @RegisterExtension
    final TestHome home = new TestHome();

    /** {@code brigade dashboard ARGS}, asserting exit 0; the URL it printed. */
    private String dashboard(String... args) {
        String[] all = Stream.concat(Stream.of("dashboard"), Stream.of(args)).toArray(String[]::new);
        MainTest.Outcome o = home.brigade(all);
        assertThat(o.code()).as(o.toString()).isZero();
        String url = o.out().strip();
        assertThat(url).matches("http://[0-9.]+:\\d+/\\?token=[0-9a-f]{64}");
        return url;
    }

    static HttpResponse<String> send(String method, String url, Map<String, String> headers, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(method + " " + url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A raw HTTP/1.1 GET with the Host header given (the JDK's client will not send another one); the status line. */
    static String rawGet(int port, String path, String host) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return all.lines().findFirst().orElse("");
        }
    }

    private List<Long> pids(String app) {
        return home.instances(app).stream().map(i -> i.get("pid").asLong()).toList();
    }

    private void online(String app, int n) {
        await().atMost(BOUND).until(() -> {
            List<JsonNode> is = home.instances(app);
            return is.size() == n && is.stream().allMatch(i -> i.get("status").asText().equals("online") && i.get("pid").asLong() > 0);
        });
    }

    @Test
    void the_token_the_csrf_checks_the_host_header_and_the_stream_of_a_killed_worker() throws Exception {
        MainTest.Outcome start = home.brigade("start", "--name", "tiny", "-i", "2", "--cp", RunProcess.testClasses(), TestApp.class.getName());
        assertThat(start.code()).as(start.toString()).isZero();
        online("tiny", 2);
        String url = dashboard("--port", "0");
        URI u = URI.create(url);
        String base = "http://127.0.0.1:" + u.getPort();
        String token = url.substring(url.indexOf("token=") + 6);

        // the token: stable while the daemon lives, in a 0600 file of the daemon's home
        assertThat(dashboard("--port", "0")).isEqualTo(url);
        assertThat(Files.readString(home.dir.resolve("dashboard.token")).strip()).isEqualTo(token);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.dir.resolve("dashboard.token")))).isEqualTo("rw-------");

        // every route but /metrics-on-loopback needs it
        assertThat(send("GET", base + "/", Map.of(), null).statusCode()).isEqualTo(401);
        assertThat(send("GET", base + "/?token=" + "0".repeat(64), Map.of(), null).statusCode()).isEqualTo(401);
        assertThat(send("GET", base + "/events", Map.of(), null).statusCode()).isEqualTo(401);
        assertThat(send("GET", base + "/api/apps", Map.of("X-Brigade-Token", "nope"), null).statusCode()).isEqualTo(401);
        HttpResponse<String> page = send("GET", url, Map.of(), null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>Brigade dashboard</title>", "static/uPlot.iife.min.js?token=" + token);
        assertThat(page.headers().firstValue("Content-Security-Policy").orElse("")).contains("frame-ancestors 'none'");
        HttpResponse<String> uplot = send("GET", base + "/static/uPlot.iife.min.js?token=" + token, Map.of(), null);
        assertThat(uplot.statusCode()).isEqualTo(200);
        assertThat(uplot.body()).contains("uPlot");
        HttpResponse<String> metrics = send("GET", base + "/metrics", Map.of(), null);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(MetricsEndpointTest.value(metrics.body(), "brigade_daemon_apps")).isEqualTo(1);

        // DNS rebinding: another name for 127.0.0.1 is refused, before the token is even looked at
        assertThat(rawGet(u.getPort(), "/?token=" + token, "evil.example:" + u.getPort())).contains(" 403 ");
        assertThat(rawGet(u.getPort(), "/metrics", "evil.example:" + u.getPort())).contains(" 403 ");
        assertThat(rawGet(u.getPort(), "/?token=" + token, "localhost:" + u.getPort())).contains(" 200 ");

        // actions: no token, the token only in the query, another origin, another site: refused, nothing run
        List<Long> before = pids("tiny");
        String restart = base + "/api/apps/tiny/restart";
        assertThat(send("POST", restart, Map.of(), "{}").statusCode()).isEqualTo(401);
        assertThat(send("POST", restart + "?token=" + token, Map.of(), "{}").statusCode()).isEqualTo(403);
        HttpResponse<String> origin = send("POST", restart, Map.of("X-Brigade-Token", token, "Origin", "http://evil.example"), "{}");
        assertThat(origin.statusCode()).isEqualTo(403);
        assertThat(origin.body()).contains("\"error\":\"csrf\"");
        assertThat(send("POST", restart, Map.of("X-Brigade-Token", token, "Sec-Fetch-Site", "cross-site"), "{}").statusCode()).isEqualTo(403);
        assertThat(pids("tiny")).isEqualTo(before);

        // the stream: a killed worker shows (a new pid, or a state other than online) without asking again
        List<String> events = new CopyOnWriteArrayList<>();
        CompletableFuture<HttpResponse<Stream<String>>> stream = HTTP.sendAsync(HttpRequest.newBuilder(URI.create(base + "/events?token=" + token))
                .build(), HttpResponse.BodyHandlers.ofLines());
        HttpResponse<Stream<String>> sse = stream.get(60, TimeUnit.SECONDS);
        assertThat(sse.statusCode()).isEqualTo(200);
        assertThat(sse.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        Thread reader = Thread.ofVirtual().start(() -> sse.body().filter(l -> l.startsWith("data: ")).forEach(l -> events.add(l.substring(6))));
        try {
            await().atMost(BOUND).until(() -> events.stream().anyMatch(e -> e.contains("\"pid\":" + before.get(0))));
            ProcessHandle.of(before.get(0)).orElseThrow().destroyForcibly();
            await().atMost(BOUND).until(() -> events.stream().map(DashboardHttpTest::tree).anyMatch(e -> {
                JsonNode w = e.at("/apps/0/workers/0");
                return !w.isMissingNode() && (w.path("pid").asLong() != before.get(0) || !w.path("state").asText().equals("online"));
            }));

            // an action with the token and the same origin: the CLI's scale, whose new instance's output streams too
            HttpResponse<String> scale = send("POST", base + "/api/apps/tiny/scale", Map.of("X-Brigade-Token", token,
                    "Origin", base, "Sec-Fetch-Site", "same-origin", "Content-Type", "application/json"), "{\"instances\":3}");
            assertThat(scale.statusCode()).as(scale.body()).isEqualTo(200);
            assertThat(scale.body()).contains("scaled to 3");
            online("tiny", 3);
            await().atMost(BOUND).until(() -> events.stream().anyMatch(e -> e.contains("test app instance 2")));
            assertThat(send("POST", base + "/api/apps/nope/stop", Map.of("X-Brigade-Token", token), "{}").statusCode()).isEqualTo(404);
            assertThat(send("POST", base + "/api/apps/tiny/scale", Map.of("X-Brigade-Token", token), "{\"instances\":\"x\"}").statusCode())
                    .isEqualTo(400);
        } finally {
            reader.interrupt();
            sse.body().close();
        }
    }

    @Test
    void read_only_refuses_actions_off_stops_serving_and_another_host_needs_the_token_for_metrics() throws Exception {
        MainTest.Outcome start = home.brigade("start", "--name", "tiny", "--cp", RunProcess.testClasses(), TestApp.class.getName());
        assertThat(start.code()).as(start.toString()).isZero();
        online("tiny", 1);
        String url = dashboard("--port", "0", "--read-only");
        URI u = URI.create(url);
        String token = url.substring(url.indexOf("token=") + 6);
        List<Long> before = pids("tiny");
        HttpResponse<String> r = send("POST", "http://127.0.0.1:" + u.getPort() + "/api/apps/tiny/stop", Map.of("X-Brigade-Token", token), "{}");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(r.body()).contains("\"error\":\"read-only\"");
        assertThat(send("GET", "http://127.0.0.1:" + u.getPort() + "/api/apps?token=" + token, Map.of(), null).body())
                .contains("\"readOnly\":true", "\"name\":\"tiny\"");
        assertThat(pids("tiny")).isEqualTo(before);

        MainTest.Outcome off = home.brigade("dashboard", "--off");
        assertThat(off.code()).as(off.toString()).isZero();
        assertThat(off.out()).contains("dashboard off");
        await().atMost(BOUND).until(() -> {
            try {
                new Socket(InetAddress.getLoopbackAddress(), u.getPort()).close();
                return false;
            } catch (IOException e) {
                return true;
            }
        });

        MainTest.Outcome wide = home.brigade("dashboard", "--port", "0", "--host", "0.0.0.0");
        assertThat(wide.code()).as(wide.toString()).isZero();
        assertThat(wide.err()).contains("warning", "0.0.0.0", "token");
        URI w = URI.create(wide.out().strip());
        assertThat(send("GET", "http://127.0.0.1:" + w.getPort() + "/metrics", Map.of(), null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "http://127.0.0.1:" + w.getPort() + "/metrics", Map.of("X-Brigade-Token", token), null).statusCode())
                .isEqualTo(200);
    }

    @Test
    void bad_values_and_a_taken_port_are_explained() throws Exception {
        MainTest.Outcome range = home.brigade("dashboard", "--port", "70000");
        assertThat(range.code()).isEqualTo(Main.USAGE);
        assertThat(range.err()).contains("--port must be a port in 0..65535, got 70000");
        MainTest.Outcome word = home.brigade("dashboard", "--port", "web");
        assertThat(word.code()).isEqualTo(Main.USAGE);
        assertThat(word.err()).contains("--port must be a port in 0..65535, got web");
        MainTest.Outcome host = home.brigade("dashboard", "--host", " ");
        assertThat(host.code()).isEqualTo(Main.USAGE);
        assertThat(host.err()).contains("--host must be an address");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            MainTest.Outcome busy = home.brigade("dashboard", "--port", String.valueOf(taken.getLocalPort()));
            assertThat(busy.code()).as(busy.toString()).isEqualTo(Main.FAILED);
            assertThat(busy.err()).contains("port " + taken.getLocalPort(), "in use", "--port");
        }
    }

    static JsonNode tree(String json) {
        try {
            return JsonMapper.builder().build().readTree(json);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
