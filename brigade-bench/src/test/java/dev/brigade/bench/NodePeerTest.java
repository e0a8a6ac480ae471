package dev.brigade.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class NodePeerTest {

    @Test
    void runsAShippedScript_andParsesItsJson() throws Exception {
        assumeTrue(NodePeer.available(), "node is not on PATH");
        JsonNode r = NodePeer.run("probe.js", Duration.ofSeconds(30), "a", "b c");
        assertThat(r.get("node").asText()).startsWith("v");
        assertThat(r.get("args").toString()).isEqualTo("[\"a\",\"b c\"]");
    }

    @Test
    void aMissingScript_isNamed() {
        assumeTrue(NodePeer.available(), "node is not on PATH");
        assertThatThrownBy(() -> NodePeer.run("nosuch.js", Duration.ofSeconds(5)))
                .isInstanceOf(IOException.class).hasMessageContaining("/node/nosuch.js");
    }

    @Test
    void packageNames_dropTheVersion() {
        assertThat(NodePeer.packageName("piscina@5")).isEqualTo("piscina");
        assertThat(NodePeer.packageName("@scope/pkg@1.2")).isEqualTo("@scope/pkg");
        assertThat(NodePeer.packageName("tinybench")).isEqualTo("tinybench");
    }
}
