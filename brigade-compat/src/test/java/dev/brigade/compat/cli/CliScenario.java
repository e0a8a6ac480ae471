package dev.brigade.compat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brigade.testing.HttpLoad;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A framework's app through the brigade command, as a user runs it: {@code brigade start --name X
 * -i 2 --port 0 --host 127.0.0.1 app.jar} (the app reads the port from the variable the CLI sets),
 * then under load (HttpLoad, 8 clients, no retry): 3 rolling reloads under clients opening a new connection
 * per request ({@link Scope#FULL}: 4 of them, and at the same time 4 keeping their connections), then a
 * SIGKILL of one of the 2 workers.
 */
final class CliScenario {
    private static final int CLIENTS = 8;
    /**
     * During the reloads of {@link Scope#FULL}: as many new-connection clients as keep-alive ones, {@link #CLIENTS} in all
     * (16 at once starved a 2-core machine beside two CPU hogs so much that the hang watchdog killed serving workers).
     */
    private static final int HALF = CLIENTS / 2;
    private static final int RELOADS = 3;

    /** How much of the scenario runs. */
    enum Scope {
        /** start, both serve, reloads with a new connection per request, SIGKILL (every mvn verify) */
        QUICK,
        /** QUICK, with keep-alive clients too during the same reloads: 0 failed asserted (-Pcompat-full) */
        FULL
    }

    /** What a run measured (the row of docs/compat.md). */
    record Outcome(Framework framework, double startSeconds, int pids, HttpLoad.Result reloads,
                   HttpLoad.Result keepAlive, HttpLoad.Result kill, long refusedAfterKill, double mbPerWorker) {
        String line() {
            return String.format("compat %s: start %.1f s, %d pids; %d reloads, new connection per request: %d failed of %d %s;"
                            + " keep-alive: %s; SIGKILL of 1 of 2: %d failed (%d refused) of %d %s; %.0f MB per worker",
                    framework.id, startSeconds, pids, RELOADS, reloads.failed(), reloads.ok() + reloads.failed(), reloads.failures(),
                    keepAlive == null ? "not run" : keepAlive.failed() + " failed of " + (keepAlive.ok() + keepAlive.failed()) + " " + keepAlive.failures(),
                    kill.failed(), refusedAfterKill,
                    kill.ok() + kill.failed(), kill.failures(), mbPerWorker);
        }
    }

    private CliScenario() {
    }

    /**
     * Runs the scenario and checks what must hold for every framework: both workers serve, no
     * request fails across reloads with a new connection per request, a SIGKILL loses at most the
     * killed worker's in-flight requests and refuses none; with {@link Scope#FULL}, no keep-alive request
     * fails either, graceful shutdown or not (a leaving worker's responses say {@code Connection: close}), for
     * the frameworks where that is reached ({@link Framework#keepAliveZero}; the count is printed for the others).
     */
    static Outcome run(Framework fw, Scope scope) throws Exception {
        Path jar = fw.jar();
        assertThat(jar).as("the " + fw.id + " app, packaged by this module's build (mvn verify; -Pcompat-full for every app)").exists();
        try (BrigadeCommand brigade = new BrigadeCommand()) {
            long t0 = System.nanoTime();
            BrigadeCommand.Outcome started = brigade.run("start", "--name", fw.id, "-i", "2", "--port", "0", "--host", "127.0.0.1",
                    "--listen-timeout", "150s", jar.toString());
            double startSeconds = (System.nanoTime() - t0) / 1e9;
            assertThat(started.code()).as("brigade start " + fw.id + ": " + started + "\nlogs:\n" + logs(brigade, fw)).isZero();
            JsonNode app = brigade.app(fw.id);
            assertThat(app.get("instances")).as("instances of " + fw.id).hasSize(2)
                    .allSatisfy(i -> assertThat(i.get("status").asText()).isEqualTo("listening"));
            int port = app.get("ports").get(0).asInt();

            int pids = servingPids(port).size();
            assertThat(pids).as("distinct pids answering " + fw.id + " (new connection per request)").isEqualTo(2);

            HttpLoad.Result[] both = underLoads(port, scope == Scope.FULL, () -> reload(brigade, fw));
            HttpLoad.Result reloads = both[0];
            HttpLoad.Result keepAlive = both[1];
            if (keepAlive != null) {
                System.out.println("compat " + fw.id + ": keep-alive across " + RELOADS + " reloads: " + keepAlive.failed()
                        + " failed of " + (keepAlive.ok() + keepAlive.failed()) + " " + keepAlive.failures() + samples(keepAlive));
            }
            assertThat(reloads.failures()).as(fw.id + ": failed requests across " + RELOADS
                    + " reloads, new connection per request" + samples(reloads) + "\nlogs:\n" + logs(brigade, fw)).isEmpty();
            assertThat(reloads.bodies().keySet()).as("workers that answered across the reloads").hasSizeGreaterThanOrEqualTo(4);
            if (keepAlive != null && fw.keepAliveZero) {
                assertThat(keepAlive.failures()).as(fw.id + ": failed keep-alive requests across " + RELOADS
                        + " reloads (a leaving worker's responses say Connection: close)" + samples(keepAlive) + "\nlogs:\n"
                        + logs(brigade, fw)).isEmpty();
            }

            double mb = 0;
            for (JsonNode i : brigade.app(fw.id).get("instances")) {
                mb += i.get("memoryBytes").asLong() / 1e6 / 2;
            }

            long victim = brigade.app(fw.id).get("instances").get(0).get("pid").asLong();
            HttpLoad.Result kill = underLoad(port, false, CLIENTS, () -> ProcessHandle.of(victim).ifPresent(ProcessHandle::destroyForcibly));
            long refused = kill.failures().entrySet().stream().filter(e -> e.getKey().startsWith("ConnectException"))
                    .mapToLong(Map.Entry::getValue).sum();
            assertThat(refused).as(fw.id + ": connections refused after a SIGKILL of 1 of 2 workers: " + kill.failures()).isZero();
            assertThat(kill.failed()).as(fw.id + ": requests lost to a SIGKILL (at most the killed worker's in-flight ones, one per client): "
                    + kill.failures()).isLessThanOrEqualTo(CLIENTS);

            Outcome o = new Outcome(fw, startSeconds, pids, reloads, keepAlive, kill, refused, mb);
            System.out.println(o.line());
            return o;
        }
    }

    private static void reload(BrigadeCommand brigade, Framework fw) {
        for (int i = 0; i < RELOADS; i++) {
            brigade.ok("reload", fw.id);
        }
    }

    /**
     * Two HttpLoads at once for as long as {@code action} takes, one opening a new connection per request and,
     * if {@code keepAliveToo}, one keeping its connections (null otherwise), each with 200 successful requests
     * before and after it: one set of reloads proves both.
     */
    private static HttpLoad.Result[] underLoads(int port, boolean keepAliveToo, HttpLoad.Action action) throws Exception {
        if (!keepAliveToo) {
            return new HttpLoad.Result[] {underLoad(port, false, CLIENTS, action), null};
        }
        HttpLoad kept = new HttpLoad("127.0.0.1", port, "/", HALF, true);
        HttpLoad.Result[] out = new HttpLoad.Result[2];
        out[0] = underLoad(port, false, HALF, () -> out[1] = kept.during(() -> {
            assertThat(kept.awaitCompleted(200, Duration.ofSeconds(60))).as("keep-alive load flowing before").isTrue();
            action.run();
            assertThat(kept.awaitCompleted(200, Duration.ofSeconds(60))).as("keep-alive load flowing after").isTrue();
        }));
        return out;
    }

    /** HttpLoad for as long as {@code action} takes, with 200 successful requests before and after it. */
    private static HttpLoad.Result underLoad(int port, boolean keepAlive, int clients, HttpLoad.Action action) throws Exception {
        HttpLoad load = new HttpLoad("127.0.0.1", port, "/", clients, keepAlive);
        return load.during(() -> {
            assertThat(load.awaitCompleted(200, Duration.ofSeconds(60))).as("load flowing before").isTrue();
            action.run();
            assertThat(load.awaitCompleted(200, Duration.ofSeconds(60))).as("load flowing after").isTrue();
        });
    }

    /**
     * The pids that answer requests, each on a new connection, until 2 have (at most 2000 requests or 120 s: on
     * a loaded machine the warm worker's acceptor may win many connections in a row before the other's runs).
     */
    private static Set<String> servingPids(int port) throws Exception {
        Set<String> bodies = new HashSet<>();
        long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        for (int i = 0; i < 2000 && bodies.size() < 2 && System.nanoTime() < end; i++) {
            HttpClient each = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            HttpResponse<String> r = each.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).startsWith("Hello World from ");
            bodies.add(r.body());
        }
        return bodies;
    }

    /** The failures a load kept whole, one a line (time, client port), to match against the workers' logs. */
    private static String samples(HttpLoad.Result r) {
        return r.samples().stream().map(f -> "\n  failed request: " + f).collect(java.util.stream.Collectors.joining());
    }

    /** The app's last 60 lines, after Brigade's own lines of the last 3000 (a worker killed as hung shows there). */
    private static String logs(BrigadeCommand brigade, Framework fw) {
        String brigadeLines = brigade.run("logs", fw.id, "--lines", "3000").out().lines().filter(l -> l.contains("[brigade]"))
                .collect(java.util.stream.Collectors.joining("\n"));
        return brigadeLines + "\n...\n" + brigade.run("logs", fw.id, "--lines", "60").out();
    }
}
