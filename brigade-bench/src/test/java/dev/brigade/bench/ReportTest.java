package dev.brigade.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {
    static final Machine MACHINE = new Machine(2, "25.0.3", "v20.20.2", "Linux 6.18");

    static final List<Figure> FIGURES = List.of(
            Figure.lower("worker.rtt_p50_us", 1.4, "us", Map.of("node", 18.2), "median of 5 runs after warm-up"),
            Figure.higher("worker.msgs_per_s", 6_000_000, "msgs/s", Map.of("piscina", 2_000_000.0, "node", 1_500_000.0), ""),
            Figure.lower("worker.mem_kb", 40, "KB", Map.of(), null));

    /** Parses every JSON value in the text; a --json run must yield exactly one, an object. */
    static List<JsonNode> jsonValues(String text) throws Exception {
        try (MappingIterator<JsonNode> it = new ObjectMapper().readerFor(JsonNode.class).readValues(text)) {
            return it.readAll();
        }
    }

    @Test
    void json_isExactlyOneObject_withTheKeysOfBenchMd() throws Exception {
        var out = new ByteArrayOutputStream();
        new Report("workers", MACHINE, FIGURES).printJson(new PrintStream(out, true, StandardCharsets.UTF_8));

        List<JsonNode> values = jsonValues(out.toString(StandardCharsets.UTF_8));
        assertThat(values).hasSize(1);
        JsonNode root = values.get(0);
        assertThat(root.isObject()).isTrue();
        assertThat(root.get("suite").asText()).isEqualTo("workers");
        assertThat(root.get("machine").get("cores").asInt()).isEqualTo(2);
        assertThat(root.get("machine").get("java").asText()).isEqualTo("25.0.3");
        assertThat(root.get("machine").get("node").asText()).isEqualTo("v20.20.2");
        assertThat(root.get("machine").get("os").asText()).isEqualTo("Linux 6.18");

        JsonNode figures = root.get("figures");
        assertThat(figures.size()).isEqualTo(3);
        JsonNode rtt = figures.get(0);
        for (String key : List.of("id", "value", "unit", "better", "peers")) {
            assertThat(rtt.has(key)).as(key).isTrue();
        }
        assertThat(rtt.get("id").asText()).isEqualTo("worker.rtt_p50_us");
        assertThat(rtt.get("value").asDouble()).isEqualTo(1.4);
        assertThat(rtt.get("better").asText()).isEqualTo("lower");
        assertThat(rtt.get("peers").get("node").asDouble()).isEqualTo(18.2);
        assertThat(figures.get(1).get("peers").fieldNames()).toIterable().containsExactly("node", "piscina");
        assertThat(figures.get(2).get("peers").isEmpty()).isTrue();
    }

    @Test
    void json_leavesAMissingNodeOut_neverInventsIt() throws Exception {
        var report = new Report("pool", new Machine(2, "21.0.1", null, "Linux 6.1"), List.of());
        JsonNode root = jsonValues(report.json()).get(0);
        assertThat(root.get("machine").has("node")).isFalse();
        assertThat(root.get("figures").isArray()).isTrue();
    }

    @Test
    void table_showsPeersInOrder_theRatioVsNode_andTheNotes() {
        String table = new Report("workers", MACHINE, FIGURES).table();
        String header = table.lines().filter(l -> l.startsWith("id")).findFirst().orElseThrow();
        assertThat(header).containsSubsequence("brigade", "unit", "node", "piscina", "vs node");
        assertThat(table).contains("worker.rtt_p50_us", "1.40", "18.2", "13.0x better");
        assertThat(table).contains("6,000,000", "4.00x better");
        assertThat(table).contains("Notes:", "worker.rtt_p50_us: median of 5 runs after warm-up");
        assertThat(table).contains("2 cores, Java 25.0.3, node v20.20.2, Linux 6.18");
    }

    @Test
    void ratio_saysWorseWhenBrigadeLoses() {
        assertThat(Report.ratioVsNode(Figure.lower("x", 20, "us", Map.of("node", 10.0), ""))).isEqualTo("2.00x worse");
        assertThat(Report.ratioVsNode(Figure.higher("x", 5, "ops/s", Map.of("node", 10.0), ""))).isEqualTo("2.00x worse");
        assertThat(Report.ratioVsNode(Figure.lower("x", 5, "us", Map.of(), ""))).isEqualTo("-");
    }

    @Test
    void format_keepsThreeSignificantDigits() {
        assertThat(Report.format(0.01234)).isEqualTo("0.0123");
        assertThat(Report.format(1.4)).isEqualTo("1.40");
        assertThat(Report.format(18.25)).isEqualTo("18.3");
        assertThat(Report.format(123.4)).isEqualTo("123");
        assertThat(Report.format(12)).isEqualTo("12");
        assertThat(Report.format(5_000_000)).isEqualTo("5,000,000");
    }
}
