package dev.brigade.manager.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The endpoint's server settings. */
class EndpointTest {
    @Test
    void its_server_answers_without_nagle_which_held_every_answer_40_ms_behind_its_headers() throws Exception {
        try (Endpoint e = Endpoint.start("127.0.0.1", 0, new DaemonMetrics(List::of))) {
            assertThat(e.port()).isPositive();
            assertThat(System.getProperty("sun.net.httpserver.nodelay")).isEqualTo("true");
        }
    }
}
