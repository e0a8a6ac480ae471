package dev.brigade.manager.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** brigade.yaml as a deployment file: start it again, or reload it, and the running apps are reloaded. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DeployFileTest {
    @RegisterExtension
    final TestHome home = new TestHome();

    @TempDir
    Path dir;

    private long pid(String app) {
        return home.instances(app).get(0).get("pid").asLong();
    }

    @Test
    void startingTheFileAgain_orReloadingIt_reloadsWhatRuns_andRefusesChangedSettingsByName() throws Exception {
        Path yaml = dir.resolve("brigade.yaml");
        Files.writeString(yaml, "apps:\n  - name: naps\n    script: sleep\n    args: [\"1000\"]\n    env_production: {A: b}\n");
        assertThat(home.brigade("start", yaml.toString()).code()).isZero();
        long first = pid("naps");

        MainTest.Outcome again = home.brigade("start", yaml.toString());
        assertThat(again.code()).as(again.toString()).isZero();
        assertThat(again.out()).contains("reloaded: naps");
        long second = pid("naps");
        assertThat(second).isNotEqualTo(first);

        MainTest.Outcome reload = home.brigade("reload", yaml.toString());
        assertThat(reload.code()).as(reload.toString()).isZero();
        assertThat(pid("naps")).isNotEqualTo(second);

        MainTest.Outcome production = home.brigade("reload", yaml.toString(), "--environment", "production");
        assertThat(production.code()).isEqualTo(Main.FAILED);
        assertThat(production.err()).contains("app naps runs with other settings than the file gives", "brigade delete naps");

        Files.writeString(yaml, "apps:\n  - name: naps\n    script: sleep\n    args: [\"1000\"]\n  - name: more\n    script: sleep\n    args: [\"1000\"]\n");
        MainTest.Outcome notRunning = home.brigade("reload", yaml.toString());
        assertThat(notRunning.code()).isEqualTo(Main.FAILED);
        assertThat(notRunning.err()).contains("app more does not run");
        MainTest.Outcome grown = home.brigade("start", yaml.toString());
        assertThat(grown.code()).as(grown.toString()).isZero();
        assertThat(home.instances("more")).hasSize(1);
    }
}
