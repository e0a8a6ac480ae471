package dev.brigade.manager.cli;

import static dev.brigade.manager.cli.RunProcess.BOUND;
import static dev.brigade.manager.cli.RunProcess.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** `brigade run --health-port`: /healthz, /readyz (kept during a reload, first to go at shutdown) and /metrics on one port. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HealthEndpointTest {
    @RegisterExtension
    final TestHome home = new TestHome();

    @Test
    void readyz_says_which_app_lacks_workers_and_stays_200_through_a_rolling_reload() throws Exception {
        // no standby worker: a crash's replacement then takes a whole JVM start, a window the probe can see (a standby
        // replaces a worker within ~100 ms, which a loaded machine's probe may miss)
        try (RunProcess run = RunProcess.start(Map.of(), "run", "--home", home.dir.toString(), "--health-port", "0",
                "--name", "demo", "-i", "2", "--port", "0", "--kill-timeout", "5s", "--no-standby", "--cp", ClusterModeTest.DEMO_CP,
                ClusterModeTest.DEMO_MAIN)) {
            String base = run.url("health on ");
            await().atMost(BOUND).until(() -> get(base + "/readyz").statusCode() == 200);
            assertThat(get(base + "/readyz").body()).contains("\"ready\":true", "\"name\":\"demo\"", "\"desired\":2", "\"serving\":2");
            HttpResponse<String> health = get(base + "/healthz");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(health.body()).contains("\"status\":\"ok\"");
            assertThat(get(base + "/metrics").body()).contains("brigade_workers{app=\"demo\",state=\"listening\"} 2.0");

            // a rolling reload keeps the capacity: every probe during it is 200
            CompletableFuture<MainTest.Outcome> reload = CompletableFuture.supplyAsync(() -> home.brigade("reload", "demo"));
            List<Integer> during = new ArrayList<>();
            while (!reload.isDone()) {
                during.add(get(base + "/readyz").statusCode());
            }
            assertThat(reload.get().code()).as(reload.get().toString()).isZero();
            assertThat(during).isNotEmpty().containsOnly(200);

            // a worker lost is capacity lost: 503 with the reason, until it is replaced
            long pid = home.instances("demo").get(0).get("pid").asLong();
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            await().atMost(BOUND).until(() -> get(base + "/readyz").statusCode() == 503);
            // (the replacement may already be listening: the reason was seen if the 503 came at all)
            await().atMost(BOUND).until(() -> get(base + "/readyz").statusCode() == 200);
        }
    }

    @Test
    void at_shutdown_readyz_turns_503_before_the_apps_are_stopped() throws Exception {
        // an app that ignores SIGTERM: it outlives the start of the shutdown by its kill timeout
        try (RunProcess run = RunProcess.start(Map.of(), "run", "--home", home.dir.toString(), "--health-port", "0",
                "--name", "stubborn", "--kill-timeout", "20s", "--", "bash", "-c", "trap '' TERM; while :; do sleep 1; done")) {
            String base = run.url("health on ");
            await().atMost(BOUND).until(() -> get(base + "/readyz").statusCode() == 200);
            long app = home.instances("stubborn").get(0).get("pid").asLong();
            run.process.toHandle().destroy(); // SIGTERM
            await().atMost(BOUND).until(() -> get(base + "/readyz").statusCode() == 503);
            HttpResponse<String> r = get(base + "/readyz");
            assertThat(r.body()).contains("\"ready\":false", "\"reason\":\"shutting down\"");
            assertThat(ProcessHandle.of(app)).as("the app still runs when readyz turned 503").hasValueSatisfying(
                    h -> assertThat(h.isAlive()).isTrue());
            assertThat(get(base + "/healthz").statusCode()).isEqualTo(200); // alive: it is stopping the apps
        }
    }

    @Test
    void readyz_is_503_with_a_reason_while_an_app_cannot_serve() throws Exception {
        try (RunProcess run = RunProcess.start(Map.of(), "run", "--home", home.dir.toString(), "--health-port", "0",
                "--name", "sleepy", "--min-uptime", "600s", "--", "sleep", "1000")) {
            String base = run.url("health on ");
            await().atMost(BOUND).until(() -> get(base + "/readyz").statusCode() == 503
                    && get(base + "/readyz").body().contains("sleepy has 0 of 1 workers up past their min uptime"));
            assertThat(get(base + "/healthz").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void a_health_port_out_of_range_is_a_usage_error() throws Exception {
        try (RunProcess run = RunProcess.start(Map.of(), "run", "--home", home.dir.toString(), "--health-port", "-1",
                "--", "sleep", "1000")) {
            assertThat(run.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(run.process.exitValue()).isEqualTo(Main.USAGE);
            await().atMost(BOUND).until(() -> run.err.toString().contains("--health-port must be a port in 0..65535, got -1"));
        }
    }
}
