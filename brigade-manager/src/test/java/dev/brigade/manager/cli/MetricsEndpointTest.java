package dev.brigade.manager.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** /metrics of `brigade run` and of the daemon, scraped over HTTP from real processes. */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class MetricsEndpointTest {
    private static final Duration BOUND = RunProcess.BOUND;
    private final List<RunProcess> started = new ArrayList<>();

    @RegisterExtension
    final TestHome home = new TestHome();

    @AfterEach
    void cleanUp() {
        started.forEach(RunProcess::close);
    }

    private RunProcess java(Map<String, String> env, String... args) throws IOException {
        RunProcess r = RunProcess.start(env, args);
        started.add(r);
        return r;
    }

    private static HttpResponse<String> get(String url) {
        return RunProcess.get(url);
    }

    private static String scrape(String url) {
        HttpResponse<String> r = get(url);
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /** The value of the sample {@code name} whose labels include {@code labels} ("k=v" pairs); NaN if none. */
    static double value(String exposition, String name, String... labels) {
        for (String line : exposition.split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
                continue;
            }
            int end = line.lastIndexOf(' ');
            String series = line.substring(0, end);
            boolean all = true;
            for (String l : labels) {
                String[] kv = l.split("=", 2);
                all &= series.contains(kv[0] + "=\"" + kv[1] + "\"");
            }
            if (all) {
                return Double.parseDouble(line.substring(end + 1));
            }
        }
        return Double.NaN;
    }

    @Test
    void run_serves_the_apps_workers_restarts_by_cause_reloads_and_its_own_figures() throws Exception {
        RunProcess run = java(Map.of(), "run", "--home", home.dir.toString(), "--metrics-port", "0",
                "--name", "demo", "-i", "2", "--port", "0", "--kill-timeout", "5s", "--cp", ClusterModeTest.DEMO_CP, ClusterModeTest.DEMO_MAIN);
        String url = run.url("metrics on ");
        assertThat(url).startsWith("http://127.0.0.1:").endsWith("/metrics");
        // the count is read live, each slot's state series moves with the slot's events (ClusterMetrics): wait for both
        await().atMost(BOUND).until(() -> {
            String t = scrape(url);
            return value(t, "brigade_workers", "app=demo", "state=listening") == 2
                    && value(t, "brigade_worker_state", "app=demo", "instance=0", "state=listening") == 1
                    && value(t, "brigade_worker_state", "app=demo", "instance=1", "state=listening") == 1;
        });

        HttpResponse<String> r = get(url);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        String text = r.body();
        List<Long> pids = home.instances("demo").stream().map(i -> i.get("pid").asLong()).toList();
        assertThat(pids).hasSize(2);
        for (int slot = 0; slot < 2; slot++) {
            String instance = "instance=" + slot;
            assertThat((long) value(text, "brigade_worker_pid", "app=demo", instance)).isEqualTo(pids.get(slot));
            assertThat(value(text, "brigade_worker_state", "app=demo", instance, "state=listening")).isEqualTo(1);
            assertThat(value(text, "brigade_worker_memory_resident_bytes", "app=demo", instance)).isGreaterThan(10 << 20);
            assertThat(value(text, "brigade_worker_cpu_seconds_total", "app=demo", instance)).isPositive();
            assertThat(value(text, "brigade_worker_uptime_seconds", "app=demo", instance)).isPositive();
        }
        assertThat(value(text, "brigade_workers_desired", "app=demo")).isEqualTo(2);
        assertThat(value(text, "brigade_daemon_apps")).isEqualTo(1);
        assertThat(value(text, "brigade_daemon_memory_resident_bytes")).isGreaterThan(10 << 20);
        assertThat(value(text, "jvm_threads_live_threads")).isPositive();
        assertThat(value(text, "brigade_run_lines_dropped_total")).isZero();

        ProcessHandle.of(pids.get(0)).orElseThrow().destroyForcibly(); // a crash
        await().atMost(BOUND).until(() -> value(scrape(url), "brigade_restarts_total", "app=demo", "cause=crash") == 1);
        await().atMost(BOUND).until(() -> value(scrape(url), "brigade_workers", "app=demo", "state=listening") == 2);

        MainTest.Outcome reload = home.brigade("reload", "demo");
        assertThat(reload.code()).as(reload.toString()).isZero();
        // a scrape answers the sampler's latest rendering, at most about a second old
        await().atMost(BOUND).until(() -> value(scrape(url), "brigade_reload_seconds_count", "app=demo") == 1);
        text = scrape(url);
        assertThat(value(text, "brigade_reload_seconds_count", "app=demo")).isEqualTo(1);
        assertThat(value(text, "brigade_reload_seconds_sum", "app=demo")).isPositive();
        assertThat(value(text, "brigade_restarts_total", "app=demo", "cause=reload")).isEqualTo(2);
        assertThat(value(text, "brigade_restarts_total", "app=demo", "cause=crash")).isEqualTo(1);
        assertThat(value(text, "brigade_restarts_total", "app=demo", "cause=hang")).isZero();

        // a fork-mode app next to it has the same meters, and leaves none behind when deleted
        MainTest.Outcome start = home.brigade("start", "--name", "tiny", "--cp", RunProcess.testClasses(), TestApp.class.getName());
        assertThat(start.code()).as(start.toString()).isZero();
        await().atMost(BOUND).until(() -> value(scrape(url), "brigade_worker_state", "app=tiny", "instance=0", "state=online") == 1);
        text = scrape(url);
        assertThat(value(text, "brigade_daemon_apps")).isEqualTo(2);
        assertThat((long) value(text, "brigade_worker_pid", "app=tiny", "instance=0"))
                .isEqualTo(home.instances("tiny").get(0).get("pid").asLong());
        assertThat(value(text, "brigade_restarts_total", "app=tiny", "cause=crash")).isZero();
        assertThat(home.brigade("delete", "tiny").code()).isZero();
        await().atMost(BOUND).until(() -> !scrape(url).contains("app=\"tiny\""));

        assertThat(get(url.replace("/metrics", "/nope")).statusCode()).isEqualTo(404);
    }

    @Test
    void the_daemon_serves_metrics_when_BRIGADE_METRICS_PORT_is_set() throws Exception {
        RunProcess daemon = java(Map.of("BRIGADE_METRICS_PORT", "0", "BRIGADE_HOME", home.dir.toString()), "daemon", "--home",
                home.dir.toString());
        String url = daemon.url("metrics on ");
        MainTest.Outcome start = home.brigade("start", "--name", "tiny", "-i", "2", "--cp", RunProcess.testClasses(), TestApp.class.getName());
        assertThat(start.code()).as(start.toString()).isZero();
        await().atMost(BOUND).until(() -> value(scrape(url), "brigade_workers", "app=tiny", "state=online") == 2);
        assertThat(value(scrape(url), "brigade_daemon_apps")).isEqualTo(1);
    }

    @Test
    void a_port_out_of_range_is_a_usage_error_naming_the_option() throws Exception {
        RunProcess run = java(Map.of(), "run", "--home", home.dir.toString(), "--metrics-port", "70000",
                "--cp", RunProcess.testClasses(), TestApp.class.getName());
        assertThat(run.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(run.process.exitValue()).isEqualTo(Main.USAGE);
        await().atMost(BOUND).until(() -> run.err.toString().contains("--metrics-port must be a port in 0..65535, got 70000"));
    }
}
