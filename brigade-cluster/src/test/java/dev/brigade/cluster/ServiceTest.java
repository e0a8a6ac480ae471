package dev.brigade.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ServiceTest {
    private static final Duration T = Duration.ofSeconds(10);

    @Test
    void namedService_answersWorkers_besideTheAppsOwnRequestHandler() throws Exception {
        try (Cluster c = Cluster.create(Workers.settings().build())) {
            c.onRequest((w, m) -> "app handler got " + m);
            c.service("upper", (w, body) -> ((String) body).toUpperCase() + " for worker " + w.id());
            ClusterWorker w = c.fork().get(0);
            assertThat(w.request("call-service", T).get(30, TimeUnit.SECONDS)).isEqualTo("ABC for worker " + w.id());
            assertThat(w.request("ask-primary", T).get(30, TimeUnit.SECONDS)).isEqualTo("app handler got from-worker");
            assertThatThrownBy(() -> w.request("call-missing-service", T).get(30, TimeUnit.SECONDS))
                    .hasMessageContaining("the primary offers no service 'nope'");
            assertThatThrownBy(() -> c.service(" ", (a, b) -> b)).hasMessageContaining("service name must be a non-blank string");
        }
    }
}
