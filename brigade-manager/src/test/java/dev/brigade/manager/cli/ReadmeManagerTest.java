package dev.brigade.manager.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.example.Main;
import dev.brigade.manager.config.ConfigException;
import dev.brigade.manager.config.Words;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's manager section, executed: every line of its first {@code sh} block runs, in order,
 * against a real daemon in a directory holding what the examples name (build/api.jar and
 * lib/*.jar: servers on $PORT; app.jar: an app that prints its arguments; brigade.yaml), and
 * must do what the README says. Fixed ports become 0 (a shared machine has no port to spare);
 * nothing else is changed. A README line this test does not know fails it, and so does a
 * line it knows that the README dropped: an example cannot change without its test.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ReadmeManagerTest {
    @RegisterExtension
    final TestHome home = new TestHome();

    @TempDir
    Path dir;

    /** The commands of the README's first sh block in the manager section, comments dropped. */
    static List<String> readmeLines() throws Exception {
        String readme = Files.readString(Path.of(System.getProperty("user.dir")).getParent().resolve("README.md"));
        String section = readme.substring(readme.indexOf("<!-- manager -->"), readme.indexOf("<!-- /manager -->"));
        String block = section.substring(section.indexOf("```sh\n") + 6);
        block = block.substring(0, block.indexOf("```"));
        List<String> lines = new ArrayList<>();
        for (String l : block.split("\n")) {
            String cmd = l.replaceFirst("\\s+#.*$", "").strip();
            if (!cmd.isEmpty()) {
                lines.add(cmd);
            }
        }
        return lines;
    }

    /** Runs one README command (ports 8080 and 8000 made 0), asserting exit code 0; returns what it printed. */
    private MainTest.Outcome run(String command) {
        try {
            List<String> words = new ArrayList<>(Words.split(command.replace(" 8080", " 0").replace(" 8000", " 0"), "README"));
            assertThat(words.remove(0)).isEqualTo("brigade");
            MainTest.Outcome o = MainTest.brigade(withHome(words).toArray(String[]::new));
            assertThat(o.code()).as(command + " -> " + o).isZero();
            return o;
        } catch (ConfigException e) {
            throw new AssertionError(e);
        }
    }

    private List<String> withHome(List<String> words) {
        List<String> all = new ArrayList<>(List.of(words.get(0), "--home", home.dir.toString()));
        all.addAll(words.subList(1, words.size()));
        // relative paths of the examples are relative to the prepared directory
        return all.stream().map(w -> w.equals("build/api.jar") || w.equals("app.jar") || w.equals("brigade.yaml")
                ? dir.resolve(w).toString() : w.equals("lib/*") ? dir.resolve("lib") + "/*" : w).toList();
    }

    private void listening(String app, int n) {
        await().atMost(Duration.ofSeconds(60)).until(() -> home.instances(app).size() == n
                && home.instances(app).stream().allMatch(i -> i.get("status").asText().equals("listening")));
    }

    @Test
    void everyManagerExample_doesWhatTheReadmeSays() throws Exception {
        Files.createDirectories(dir.resolve("build"));
        Files.createDirectories(dir.resolve("lib"));
        TestJars.runnable(dir.resolve("build"), "api.jar", LateApp.class);
        TestJars.runnable(dir.resolve("lib"), "example-1.0.jar", Main.class, LateApp.class);
        TestJars.runnable(dir, "app.jar", TestApp.class);
        Files.writeString(dir.resolve("brigade.yaml"), """
                apps:
                  - name: worker
                    script: sh
                    args: [-c, 'echo level=$LEVEL; exec sleep 1000']
                    env: {LEVEL: info}
                    env_production: {LEVEL: warn}
                """);
        boolean python = System.getenv("PATH") != null && java.util.Arrays.stream(System.getenv("PATH").split(File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, "python3")));
        int cores = Runtime.getRuntime().availableProcessors();

        Map<String, Consumer<String>> examples = new LinkedHashMap<>();
        examples.put("brigade start build/api.jar -i max --port 8080", c -> {
            run(c);
            listening("api", cores); // start returned once they listen
        });
        examples.put("brigade start com.example.Main --cp 'lib/*' -i 2 --port 8080", c -> {
            run(c);
            listening("Main", 2);
        });
        examples.put("brigade start brigade.yaml --environment production", c -> {
            run(c);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(home.brigade("logs", "worker").out()).contains("level=warn"));
        });
        examples.put("brigade start --name web -- python3 -m http.server 8000", c -> {
            if (python) {
                run(c);
                assertThat(home.instances("web")).allSatisfy(i -> assertThat(i.get("status").asText()).isEqualTo("online"));
            } else {
                System.out.println("ReadmeManagerTest: no python3 on PATH, not run: " + c);
            }
        });
        examples.put("brigade start app.jar -i 2 -- --app-flag", c -> {
            run(c);
            assertThat(home.instances("app")).hasSize(2);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(home.brigade("logs", "app", "--raw").out())
                    .contains("test app instance 0 port null args --app-flag", "test app instance 1 port null args --app-flag"));
        });
        examples.put("brigade ls", c -> assertThat(run(c).out()).contains("api", "Main", "worker", "app", "listening", "online"));
        examples.put("brigade describe api", c -> assertThat(run(c).out()).contains("api (id 1, cluster mode, jar)", "sharing port"));
        examples.put("brigade logs api -f", c -> System.out.println("ReadmeManagerTest: follows until Ctrl-C, not run here "
                + "(LogsCommandTest follows): " + c));
        examples.put("brigade reload api", c -> {
            run(c);
            listening("api", cores);
        });
        examples.put("brigade scale api 4", c -> {
            run(c);
            listening("api", 4);
        });
        examples.put("brigade jlist | brigade ping | brigade env api | brigade signal SIGQUIT api", c -> {
            assertThat(run("brigade jlist").out()).contains("\"name\" : \"api\"");
            assertThat(run("brigade ping").out()).startsWith("daemon ");
            assertThat(run("brigade env api").out()).contains("BRIGADE_APP=api", "PORT=");
            run("brigade signal SIGQUIT api");
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(home.brigade("logs", "api", "--lines", "200").out())
                    .contains("Full thread dump"));
        });
        examples.put("brigade stop api | restart api | delete api", c -> {
            run("brigade stop api");
            assertThat(home.instances("api")).allSatisfy(i -> assertThat(i.get("status").asText()).isEqualTo("stopped"));
            run("brigade restart api");
            listening("api", 4);
            run("brigade delete api");
            assertThat(home.instances("api")).isEmpty();
        });
        examples.put("brigade save && brigade resurrect", c -> {
            assertThat(run("brigade save").out()).contains("saved " + (python ? 4 : 3) + " app(s)");
            assertThat(run("brigade resurrect").out()).contains("every saved app runs already");
        });
        examples.put("brigade kill", c -> assertThat(run(c).out()).contains("and the daemon"));
        examples.put("brigade monit", c -> assertThat(run("brigade monit --count 1").out()).contains("brigade monit", "app(s)"));

        List<String> lines = readmeLines();
        assertThat(lines).as("the README's manager examples, as this test knows them").containsExactlyElementsOf(examples.keySet());
        for (String line : lines) {
            examples.get(line).accept(line);
        }
    }
}
