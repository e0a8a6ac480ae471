package dev.brigade.examples.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.brigade.manager.cli.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * examples/kubernetes, checked: the manifests parse, and what matters agrees with what
 * {@code brigade run} is told in the container's args (parsed by the real command line): the
 * probes reach /healthz and /readyz on the health port, bound on every address; the Service
 * reaches the app's port; the CPU limit is there for {@code -i max}; the grace period outlasts the
 * kill timeout.
 */
class KubernetesManifestsTest {
    private static final Path DIR = Path.of(System.getProperty("kubernetes.dir", "."));
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<JsonNode> documents(Path yaml) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(yaml.toFile())) {
            new YAMLMapper().readValues(parser, JsonNode.class).forEachRemaining(out::add);
        }
        return out;
    }

    private static JsonNode kind(List<JsonNode> docs, String kind) {
        return docs.stream().filter(d -> d.path("kind").asText().equals(kind)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " in deployment.yaml"));
    }

    /** {@code brigade run ARGS} parsed as the command does it; fails on an unknown option or a bad value. */
    private static CommandLine.ParseResult run(List<String> args) {
        List<String> all = new ArrayList<>(List.of("run"));
        all.addAll(args);
        CommandLine cl = new CommandLine(new Main());
        try {
            cl.addSubcommand(Class.forName("dev.brigade.manager.cli.RunCommand")); // as Main.run adds it (package-private)
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
        cl.setExpandAtFiles(false);
        return cl.parseArgs(all.toArray(String[]::new)).subcommand();
    }

    private static String option(CommandLine.ParseResult run, String name) {
        assertThat(run.hasMatchedOption(name)).as("brigade run is given %s", name).isTrue();
        return String.valueOf((Object) run.matchedOptionValue(name, null));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void the_deployment_probes_serves_and_sizes_what_brigade_run_is_told() throws IOException {
        List<JsonNode> docs = documents(DIR.resolve("deployment.yaml"));
        JsonNode deployment = kind(docs, "Deployment");
        assertThat(deployment.path("apiVersion").asText()).isEqualTo("apps/v1");
        JsonNode spec = deployment.path("spec");
        JsonNode labels = spec.path("template").path("metadata").path("labels");
        spec.path("selector").path("matchLabels").properties()
                .forEach(e -> assertThat(labels.path(e.getKey())).as("template label %s", e.getKey()).isEqualTo(e.getValue()));
        assertThat(spec.path("strategy").path("rollingUpdate").path("maxUnavailable").asInt(-1)).isZero();

        JsonNode pod = spec.path("template").path("spec");
        assertThat(pod.path("containers")).hasSize(1);
        JsonNode c = pod.path("containers").get(0);
        CommandLine.ParseResult run = run(strings(c.path("args")));
        List<String> words = strings(JSON.valueToTree(run.matchedPositionals().stream()
                .flatMap(p -> p.stringValues().stream()).toList()));
        assertThat(String.join(" ", run.originalArgs())).contains("-i max");
        assertThat(words).contains("/app/app.jar");

        Map<String, Integer> ports = new HashMap<>();
        c.path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
        int health = Integer.parseInt(option(run, "--health-port"));
        assertThat(ports.get("health")).as("the container port named health").isEqualTo(health);
        assertThat(option(run, "--http-host")).as("probes come from the kubelet, not from inside the pod").isEqualTo("0.0.0.0");
        assertThat(String.join(" ", run.originalArgs())).contains("--port " + ports.get("http"));

        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            JsonNode get = c.path(probe).path("httpGet");
            assertThat(get.path("port").asText()).as(probe + " port").isIn("health", Integer.toString(health));
            assertThat(get.path("path").asText()).as(probe + " path").isEqualTo(probe.equals("livenessProbe") ? "/healthz" : "/readyz");
        }

        JsonNode limits = c.path("resources").path("limits");
        assertThat(limits.path("cpu").asText()).as("limits.cpu: what -i max counts").isNotEmpty();
        assertThat(limits.path("memory").asText()).as("limits.memory").isNotEmpty();
        assertThat(c.path("resources").path("requests").path("cpu").asText()).isNotEmpty();

        Duration kill = Duration.parse("PT" + option(run, "--kill-timeout").toUpperCase());
        assertThat(pod.path("terminationGracePeriodSeconds").asLong()).as("the grace period outlasts the kill timeout")
                .isGreaterThan(kill.toSeconds());

        JsonNode annotations = spec.path("template").path("metadata").path("annotations");
        assertThat(annotations.path("prometheus.io/port").asText()).isEqualTo(Integer.toString(health));
        assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo("/metrics");

        JsonNode service = kind(docs, "Service");
        assertThat(service.path("spec").path("selector")).isEqualTo(spec.path("selector").path("matchLabels"));
        service.path("spec").path("ports").forEach(p -> assertThat(ports).as("the Service's targetPort names a container port")
                .containsKey(p.path("targetPort").asText()));
    }

    @Test
    void the_dockerfile_runs_brigade_run_on_temurin_with_the_same_health_port() throws IOException {
        String docker = Files.readString(DIR.resolve("Dockerfile")).replace("\\\n", " ");
        List<String> from = docker.lines().filter(l -> l.startsWith("FROM ")).toList();
        assertThat(from).isNotEmpty();
        assertThat(from.get(from.size() - 1)).as("the image that runs").startsWith("FROM eclipse-temurin:");
        List<String> entry = strings(JSON.readTree(instruction(docker, "ENTRYPOINT")));
        assertThat(entry).containsSubsequence("dev.brigade.manager.cli.Main", "run");
        List<String> cmd = strings(JSON.readTree(instruction(docker, "CMD")));
        CommandLine.ParseResult run = run(cmd);
        assertThat(option(run, "--health-port")).isEqualTo("9000");
        assertThat(option(run, "--http-host")).isEqualTo("0.0.0.0");
        assertThat(String.join(" ", cmd)).contains("-i max");
        // the deployment's args replace CMD: they agree on the ports
        JsonNode c = kind(documents(DIR.resolve("deployment.yaml")), "Deployment").path("spec").path("template").path("spec")
                .path("containers").get(0);
        assertThat(option(run(strings(c.path("args"))), "--health-port")).isEqualTo(option(run, "--health-port"));
    }

    private static String instruction(String dockerfile, String name) {
        return dockerfile.lines().filter(l -> l.startsWith(name + " ")).reduce((a, b) -> b)
                .map(l -> l.substring(name.length() + 1).trim())
                .orElseThrow(() -> new AssertionError("no " + name + " in the Dockerfile"));
    }
}
