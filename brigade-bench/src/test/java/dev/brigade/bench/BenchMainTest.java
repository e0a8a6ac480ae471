package dev.brigade.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchMainTest {

    record Outcome(int code, String out, String err) {
    }

    /** A suite that returns fixed figures. */
    record FakeSuite(String name, List<Figure> figures) implements Suite {
        @Override
        public List<Figure> run(BenchOptions options) {
            return figures;
        }
    }

    record FailingSuite(String name) implements Suite {
        @Override
        public List<Figure> run(BenchOptions options) {
            throw new IllegalStateException("port 0 refused");
        }
    }

    static final List<Figure> WORKERS_FIGURES =
            List.of(Figure.lower("worker.rtt_p50_us", 1.5, "us", Map.of("node", 18.0), "median of 3"));

    static final Suite WORKERS = new FakeSuite("workers", WORKERS_FIGURES);

    static Outcome bench(Map<String, Suite> built, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = BenchMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), built);
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void unknownSuite_namesTheValidOnes_exit2() {
        Outcome o = bench(Map.of(), "nosuch");
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("unknown suite 'nosuch'; valid suites: workers, pool, cluster, ports, manager, store, dashboard, all");
        assertThat(o.out()).isEmpty();
    }

    @Test
    void plannedSuiteNotBuilt_saysSo_exit2() {
        Outcome o = bench(Map.of("workers", WORKERS), "ports");
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("suite 'ports' is not built yet");
        assertThat(o.out()).isEmpty();
    }

    @Test
    void unknownOption_andMissingSuite_areUsageErrors() {
        Outcome o = bench(Map.of(), "workers", "--fast");
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("unknown option '--fast'", "Usage: brigade bench");

        Outcome none = bench(Map.of());
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("which suite?");
    }

    @Test
    void frameworks_unknownName_orNoValue_isAUsageError_namingTheValidOnes() {
        Outcome o = bench(Map.of(), "ports", "--frameworks", "javalin,struts");
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("--frameworks 'javalin,struts'", "javalin, vertx, helidon, undertow, springboot, micronaut, quarkus",
                "all, or none");

        Outcome missing = bench(Map.of(), "ports", "--frameworks");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("--frameworks needs a value");
    }

    @Test
    void json_putsExactlyOneObjectOnStdout_andProgressOnStderr() throws Exception {
        Outcome o = bench(Map.of("workers", WORKERS), "workers", "--json", "--quick");
        assertThat(o.code()).isZero();
        List<JsonNode> values = ReportTest.jsonValues(o.out());
        assertThat(values).hasSize(1);
        assertThat(values.get(0).get("suite").asText()).isEqualTo("workers");
        assertThat(values.get(0).get("figures").get(0).get("id").asText()).isEqualTo("worker.rtt_p50_us");
        assertThat(o.err()).contains("bench: running workers (quick)");
    }

    @Test
    void json_sendsWhatASuitePrintsToStdout_toStderr() throws Exception {
        Suite chatty = new Suite() {
            @Override
            public String name() {
                return "workers";
            }

            @Override
            public List<Figure> run(BenchOptions options) {
                System.out.println("# JMH-style progress line");
                return WORKERS_FIGURES;
            }
        };
        PrintStream before = System.out;
        Outcome o = bench(Map.of("workers", chatty), "workers", "--json");
        assertThat(System.out).isSameAs(before);
        assertThat(ReportTest.jsonValues(o.out())).hasSize(1);
        assertThat(o.out()).doesNotContain("JMH-style");
        assertThat(o.err()).contains("# JMH-style progress line");
    }

    @Test
    void table_isTheDefault() {
        Outcome o = bench(Map.of("workers", WORKERS), "workers");
        assertThat(o.code()).isZero();
        assertThat(o.out()).contains("brigade bench workers", "worker.rtt_p50_us", "12.0x better");
    }

    @Test
    void all_runsTheBuiltSuites_andListsTheOthersAsSkipped() throws Exception {
        Map<String, Suite> built = new LinkedHashMap<>();
        built.put("workers", WORKERS);
        built.put("pool", new FakeSuite("pool", List.of(Figure.higher("pool.tasks_per_s", 1e6, "tasks/s", Map.of("tpe", 9e5), ""))));
        Outcome o = bench(built, "all", "--json");
        assertThat(o.code()).isZero();
        JsonNode root = ReportTest.jsonValues(o.out()).get(0);
        assertThat(root.get("suite").asText()).isEqualTo("all");
        assertThat(root.get("figures").size()).isEqualTo(2);
        assertThat(root.get("skipped").toString()).contains("cluster", "ports", "manager", "store");
        assertThat(o.err()).contains("not built yet, skipped: cluster, ports, manager, store");
    }

    @Test
    void all_withNothingBuilt_isAUsageError() {
        Outcome o = bench(Map.of(), "all");
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("no suite is built yet");
        assertThat(o.out()).isEmpty();
    }

    @Test
    void aFailingSuite_exits1_withItsReason() {
        Outcome o = bench(Map.of("pool", new FailingSuite("pool")), "pool");
        assertThat(o.code()).isEqualTo(1);
        assertThat(o.err()).contains("suite 'pool' failed", "port 0 refused");
        assertThat(o.out()).isEmpty();
    }

    @Test
    void discovery_withNoSuitesBuilt_findsNone_andWarnsOfNothing() {
        List<String> warnings = new java.util.ArrayList<>();
        Map<String, Suite> built = Suites.discover(BenchMainTest.class.getClassLoader(), warnings);
        assertThat(warnings).isEmpty();
        assertThat(Suites.validNames(built)).startsWith("workers", "pool", "cluster", "ports", "manager", "store")
                .endsWith("all");
    }
}
