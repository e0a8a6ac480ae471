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
        assertThat(web.standby()).as("a standby worker unless the app says otherwise").isTrue();
    }

    @Test
    void standby_isTrueOrFalse_andAnythingElseIsNamed() throws Exception {
        Path yaml = Files.writeString(dir.resolve("brigade.yaml"), "apps:\n  - script: sleep\n    standby: false\n");
        assertThat(BrigadeYaml.load(yaml, null).get(0).standby()).isFalse();
        assertThat(problem("apps:\n  - script: sleep\n    standby: sometimes\n"))
                .hasMessage("apps[0].standby: expected true or false, got \"sometimes\"");
    }

    @Test
    void badValues_nameThePathAndTheProblem() throws IOException {
        assertThat(problem("apps:\n  - script: sleep\n  - script: sleep\n    instances: lots\n"))
                .hasMessage("apps[1].instances: expected an integer in 1..1024, \"max\", 0 (max) or -1 (one less than the cores), got \"lots\"");
        assertThat(problem("apps:\n  - script: sleep\n    maxMemory: plenty\n"))
                .hasMessage("apps[0].maxMemory: expected a size with a unit, like 800K, 512M or 1G, got \"plenty\"");
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
    void bareNumbers_haveNoUnit_andAreRefused_namingTheValidForms() throws IOException {
        assertThat(problem("apps:\n  - script: sleep\n    killTimeout: 5\n")).hasMessage(
                "apps[0].killTimeout: expected a positive duration with a unit, like 500ms, 5s, 2m or 1h (a bare number has no unit), got \"5\"");
        assertThat(problem("apps:\n  - script: sleep\n    maxMemory: 300\n")).hasMessage(
                "apps[0].maxMemory: expected a size with a unit, like 800K, 512M or 1G (a bare number has no unit), got \"300\"");
    }

    @Test
    void anEnvironmentNoAppHas_isAnError() throws IOException {
        Path yaml = Files.writeString(dir.resolve("brigade.yaml"), "apps:\n  - script: sleep\n    env_production: {A: b}\n");
        assertThat(catchThrowable(() -> BrigadeYaml.load(yaml, "staging")))
                .hasMessage("--environment staging: no app of " + yaml + " has an env_staging block");
    }

    @Test
    void pm2EcosystemKeys_inJson_keepPm2sMeaning() throws Exception {
        Path json = Files.writeString(dir.resolve("ecosystem.config.json"), """
                {"apps": [{"name": "api", "script": "sleep", "args": "1000 --flag", "instances": 0, "exec_mode": "fork",
                           "max_memory_restart": "300M", "kill_timeout": 1600, "min_uptime": "2s", "max_restarts": 3,
                           "restart_delay": 250, "listen_timeout": 8000, "autorestart": true, "watch": false,
                           "env": {"A": "1"}, "env_production": {"A": "2"}}],
                 "deploy": {"production": {"user": "x"}}}
                """);
        assertThat(BrigadeYaml.isConfigFile(json.toString())).isTrue();
        AppSpec api = BrigadeYaml.load(json, "production").get(0);
        assertThat(api.name()).isEqualTo("api");
        assertThat(api.command()).endsWith("1000", "--flag");
        assertThat(api.instances()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(api.maxMemoryBytes()).isEqualTo(300L << 20);
        assertThat(api.killTimeoutMs()).isEqualTo(1600);
        assertThat(api.minUptimeMs()).isEqualTo(2000);
        assertThat(api.maxRestarts()).isEqualTo(3);
        assertThat(api.restartDelayMs()).isEqualTo(250);
        assertThat(api.listenTimeoutMs()).isEqualTo(8000);
        assertThat(api.env()).containsEntry("A", "2");
        assertThat(problem("apps:\n  - script: sleep\n    cron_restart: '0 0 * * *'\n"))
                .hasMessageStartingWith("apps[0].cron_restart: not supported yet");
        assertThat(problem("apps:\n  - script: sleep\n    exec_mode: cluster\n"))
                .hasMessageContaining("cluster mode is a jar or main class with a port");
        assertThat(problem("apps:\n  - script: sleep\n    kill_timeout: 1s\n    killTimeout: 2s\n"))
                .hasMessage("apps[0].kill_timeout: also given as killTimeout: keep one");
    }

    @Test
    void hostAndCwd_areTakenAndChecked() throws Exception {
        Files.createDirectories(dir.resolve("sub"));
        Path yaml = Files.writeString(dir.resolve("brigade.yaml"), "apps:\n  - script: sleep\n    host: 127.0.0.1\n    cwd: sub\n");
        AppSpec a = BrigadeYaml.load(yaml, null).get(0);
        assertThat(a.host()).isEqualTo("127.0.0.1");
        assertThat(a.cwd()).isEqualTo(dir.resolve("sub").toString());
        assertThat(problem("apps:\n  - script: sleep\n    host: 'not a host'\n")).hasMessageStartingWith("apps[0].host: expected an IP address");
    }

    @Test
    void malformedYaml_isReportedWithTheFile() throws IOException {
        assertThat(problem("apps:\n  - script: [unclosed\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("not valid YAML");
    }
}
