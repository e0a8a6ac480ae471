package dev.brigade.manager.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brigade.testing.HttpLoad;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code restart} of a running cluster-mode app replaces every worker at once, the new ones started before the old
 * ones stop, on the socket the daemon keeps bound: no request fails meanwhile (stopping the cluster first unbound the
 * port, and requests were refused until the new workers listened), and it still counts as a restart.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ClusterRestartTest {
    @RegisterExtension
    final TestHome home = new TestHome();

    private List<Long> listeningPids(String app, int n) {
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            List<JsonNode> inst = home.instances(app);
            return inst.size() == n && inst.stream().allMatch(i -> i.get("status").asText().equals("listening"));
        });
        return home.instances(app).stream().map(i -> i.get("pid").asLong()).toList();
    }

    @Test
    void restart_startsTheNewWorkersFirst_onTheBoundSocket_noRequestFails_andCountsARestart() throws Exception {
        MainTest.Outcome o = home.brigade("start", "--name", "demo", "-i", "2", "--port", "0", "--kill-timeout", "5s",
                "--cp", ClusterModeTest.DEMO_CP, ClusterModeTest.DEMO_MAIN);
        assertThat(o.code()).as(o.toString()).isZero();
        List<Long> before = listeningPids("demo", 2);
        int port = home.ls().get(0).get("ports").get(0).asInt();

        HttpLoad load = new HttpLoad("127.0.0.1", port, "/", 2, false);
        MainTest.Outcome[] r = new MainTest.Outcome[1];
        HttpLoad.Result result = load.during(() -> {
            assertThat(load.awaitCompleted(20, Duration.ofSeconds(30))).as("the load runs before the restart").isTrue();
            r[0] = home.brigade("restart", "demo");
        });
        assertThat(r[0].code()).as(r[0].toString()).isZero();
        assertThat(result.failures()).as("requests failed during the restart").isEmpty();
        assertThat(result.ok()).isPositive();

        List<Long> after = listeningPids("demo", 2);
        assertThat(after).doesNotContainAnyElementsOf(before);
        assertThat(before).noneMatch(FleetCommandsTest::alive);
        assertThat(home.instances("demo")).as("a restart counts, as in PM2")
                .allSatisfy(i -> assertThat(i.get("restarts").asInt()).isEqualTo(1));
    }
}
