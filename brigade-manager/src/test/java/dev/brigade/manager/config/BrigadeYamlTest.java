package dev.brigade.manager.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.brigade.manager.daemon.AppSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrigadeYamlTest {
    @TempDir
    Path dir;

    private Throwable problem(String yaml) throws IOException {
        return catchThrowable(() -> BrigadeYaml.load(Files.writeString(dir.resolve("brigade.yaml"), yaml), null));
    }

    @Test
    void readsApps_withDefaults_environmentBlocks_andUnits() throws Exception {
        Path yaml = Files.writeString(dir.resolve("brigade.yaml"), """
                apps:
                  - name: web
                    script: sleep
                    args: ["5"]
                    instances: max
                    port: 8080
                    env: {A: "1", B: "2"}
                    env_production: {B: "3"}
                    maxMemory: 256M
                    killTimeout: 2s
                """);
        List<AppSpec> specs = BrigadeYaml.load(yaml, "production");
        AppSpec web = specs.get(0);
        assertThat(web.instances()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(web.env()).containsEntry("A", "1").containsEntry("B", "3");
        assertThat(web.maxMemoryBytes()).isEqualTo(256L << 20);
        assertThat(web.killTimeoutMs()).isEqualTo(2000);
        assertThat(web.command()).endsWith("5");
        assertThat(web.cwd()).isEqualTo(dir.toString());
    }

    @Test
    void badValues_nameThePathAndTheProblem() throws IOException {
        assertThat(problem("apps:\n  - script: sleep\n  - script: sleep\n    instances: lots\n"))
                .hasMessage("apps[1].instances: expected a positive integer or \"max\", got \"lots\"");
        assertThat(problem("apps:\n  - script: sleep\n    maxMemory: plenty\n"))
                .hasMessage("apps[0].maxMemory: expected a size like 512M, 1G or 800K, got \"plenty\"");
        assertThat(problem("apps:\n  - script: sleep\n    killTimeout: -1s\n")).hasMessageStartingWith("apps[0].killTimeout:");
        assertThat(problem("apps:\n  - script: sleep\n    colour: blue\n")).hasMessageStartingWith("apps[0].colour: unknown option");
        assertThat(problem("apps:\n  - name: x\n    script: sleep\n  - name: x\n    script: sleep\n"))
                .hasMessageStartingWith("apps[1].name: \"x\" is used by an earlier app");
        assertThat(problem("apps:\n  - instances: 2\n")).hasMessageStartingWith("apps[0].script: missing");
        assertThat(problem("apps:\n  - script: missing.jar\n")).hasMessageContaining("apps[0].script: jar not found");
        assertThat(problem("apps: []\n")).hasMessageStartingWith("apps: expected a non-empty list");
        assertThat(problem("apps:\n  - script: sleep\n    env: [A]\n")).hasMessageStartingWith("apps[0].env: expected a map");
    }

    @Test
    void malformedYaml_isReportedWithTheFile() throws IOException {
        assertThat(problem("apps:\n  - script: [unclosed\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("not valid YAML");
    }
}
