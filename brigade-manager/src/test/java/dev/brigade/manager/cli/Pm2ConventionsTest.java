package dev.brigade.manager.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** What a PM2 user types, against a real daemon: options anywhere before --, the app's arguments after it. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class Pm2ConventionsTest {
    @RegisterExtension
    final TestHome home = new TestHome();

    @TempDir
    Path dir;

    private static List<String> command(JsonNode app) {
        List<String> out = new ArrayList<>();
        app.get("spec").get("command").forEach(c -> out.add(c.asText()));
        return out;
    }

    private JsonNode app(String name) {
        for (JsonNode a : home.ls()) {
            if (a.get("name").asText().equals(name)) {
                return a;
            }
        }
        throw new AssertionError("no app " + name + " in " + home.ls());
    }

    @Test
    void optionsAfterTheJar_areBrigades_theArgumentsAfterDashDash_theApps_andTheNameHasNoVersion() throws Exception {
        Path jar = TestJars.runnable(dir, "api-1.4.2.jar", TestApp.class);
        MainTest.Outcome o = home.brigade("start", jar.toString(), "-i", "2", "--env", "X=1", "--", "hello", "--", "-i");
        assertThat(o.code()).as(o.toString()).isZero();
        assertThat(o.err()).contains("warning: api runs as 2 separate processes in fork mode (no --port)", "with --port P");
        JsonNode api = app("api");
        assertThat(api.get("instances")).hasSize(2);
        assertThat(command(api)).endsWith("-jar", jar.toString(), "hello", "--", "-i");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(home.brigade("logs", "api", "--raw").out())
                .contains("test app instance 0 port null args hello,--,-i", "test app instance 1 port null args hello,--,-i"));
    }

    @Test
    void anUnknownOptionBeforeDashDash_isAUsageError_sayingWhereAppArgumentsGo() throws Exception {
        Path jar = TestJars.runnable(dir, "app.jar", TestApp.class);
        MainTest.Outcome o = home.brigade("start", jar.toString(), "-i", "2", "--verbose");
        assertThat(o.code()).isEqualTo(Main.USAGE);
        assertThat(o.err()).contains("Unknown option: '--verbose'", "the app's own options go after --",
                "brigade start app.jar -i 2 -- --verbose").doesNotContain("\tat ").doesNotContain("Possible solutions");
        MainTest.Outcome extra = home.brigade("start", "sleep", "1000");
        assertThat(extra.code()).isEqualTo(Main.USAGE);
        assertThat(extra.err()).contains("unexpected \"1000\" after TARGET \"sleep\"", "brigade start sleep -- 1000", "\"sleep 1000\"");
        MainTest.Outcome none = home.brigade("start", "--name", "x");
        assertThat(none.code()).isEqualTo(Main.USAGE);
        assertThat(none.err()).contains("give a TARGET");
        assertThat(home.ls()).isEmpty();
    }

    @Test
    void aQuotedCommand_andACommandAfterDashDash_runLikePm2s() {
        assertThat(home.brigade("start", "sleep 1000", "--name", "quoted").code()).isZero();
        assertThat(command(app("quoted"))).endsWith("1000").anySatisfy(c -> assertThat(c).endsWith("/sleep"));
        assertThat(home.brigade("start", "--name", "after", "--", "sleep", "1000").code()).isZero();
        assertThat(command(app("after"))).endsWith("1000");
        assertThat(home.instances("after")).allSatisfy(i -> assertThat(i.get("status").asText()).isEqualTo("online"));
    }

    @Test
    void jvmArgs_keepTheirQuotes_andEnvProduction_pointsToEnvironment() throws Exception {
        Path jar = TestJars.runnable(dir, "app.jar", TestApp.class);
        MainTest.Outcome o = home.brigade("start", jar.toString(), "--jvm-args", "-Xmx64m -Dmsg=\"hello world\"");
        assertThat(o.code()).as(o.toString()).isZero();
        assertThat(command(app("app"))).contains("-Xmx64m", "-Dmsg=hello world");

        MainTest.Outcome env = home.brigade("start", "brigade.yaml", "--env", "production");
        assertThat(env.code()).isEqualTo(Main.USAGE);
        assertThat(env.err()).contains("--env sets one variable, NAME=VALUE", "use --environment production")
                .doesNotContain("option option");
    }

    @Test
    void durationsAndSizes_needAUnit_andEveryInvalidValueExits2() {
        MainTest.Outcome kill = home.brigade("start", "--kill-timeout", "5", "--", "sleep", "1000");
        assertThat(kill.code()).isEqualTo(Main.USAGE);
        assertThat(kill.err()).contains("--kill-timeout: expected a positive duration with a unit, like 500ms, 5s, 2m or 1h "
                + "(a bare number has no unit), got \"5\"");
        MainTest.Outcome mem = home.brigade("start", "--max-memory", "300", "--", "sleep", "1000");
        assertThat(mem.code()).isEqualTo(Main.USAGE);
        assertThat(mem.err()).contains("--max-memory: expected a size with a unit, like 800K, 512M or 1G (a bare number has no unit)");
        assertThat(home.brigade("start", "--port", "http", "--", "sleep", "1").code()).isEqualTo(Main.USAGE);
        assertThat(home.brigade("scale", "x", "lots").code()).isEqualTo(Main.USAGE);
        assertThat(home.brigade("stop").code()).isEqualTo(Main.USAGE);
        assertThat(home.brigade("start", "--environment", "staging", "--", "sleep", "1").err())
                .contains("--environment staging applies env_staging blocks of a brigade.yaml");
    }

    @Test
    void aMissingEnvironmentBlock_isAnError() throws Exception {
        Path yaml = Files.writeString(dir.resolve("brigade.yaml"), "apps:\n  - script: sleep\n    args: [\"1000\"]\n    env_production: {A: b}\n");
        MainTest.Outcome o = home.brigade("start", yaml.toString(), "--environment", "staging");
        assertThat(o.code()).isEqualTo(Main.USAGE);
        assertThat(o.err()).contains("no app of " + yaml + " has an env_staging block");
    }

    @Test
    void severalAppsPerStopAndRestart_flushWithoutApp_scaleMax() {
        assertThat(home.brigade("start", "--name", "a", "--", "sleep", "1000").code()).isZero();
        assertThat(home.brigade("start", "--name", "b", "--", "sleep", "1000").code()).isZero();
        MainTest.Outcome stop = home.brigade("stop", "a", "b");
        assertThat(stop.code()).as(stop.toString()).isZero();
        assertThat(stop.out()).contains("stopped: a", "stopped: b");
        assertThat(home.instances("a")).allSatisfy(i -> assertThat(i.get("status").asText()).isEqualTo("stopped"));
        assertThat(home.instances("b")).allSatisfy(i -> assertThat(i.get("status").asText()).isEqualTo("stopped"));
        MainTest.Outcome some = home.brigade("restart", "a", "ghost");
        assertThat(some.code()).isEqualTo(Main.FAILED);
        assertThat(some.err()).contains("no app named or numbered \"ghost\"");
        assertThat(home.instances("a")).allSatisfy(i -> assertThat(i.get("status").asText()).isEqualTo("online"));
        MainTest.Outcome flush = home.brigade("flush");
        assertThat(flush.code()).as(flush.toString()).isZero();
        assertThat(flush.out()).contains("flushed: a, b");
        assertThat(home.brigade("scale", "a", "max").code()).isZero();
        assertThat(home.instances("a")).hasSize(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void saveWithNoApps_keepsTheDump_andACorruptDump_isExplained() throws Exception {
        assertThat(home.brigade("start", "--name", "kept", "--", "sleep", "1000").code()).isZero();
        assertThat(home.brigade("save").code()).isZero();
        String saved = Files.readString(home.dir.resolve("dump.json"));
        home.brigade("delete", "kept");
        MainTest.Outcome empty = home.brigade("save");
        assertThat(empty.code()).isZero();
        assertThat(empty.out()).contains("no apps to save", "is left as it was");
        assertThat(Files.readString(home.dir.resolve("dump.json"))).isEqualTo(saved);

        for (String junk : List.of("{not json", "[{}]", "[null]")) {
            Files.writeString(home.dir.resolve("dump.json"), junk);
            MainTest.Outcome r = home.brigade("resurrect");
            assertThat(r.code()).as(junk).isEqualTo(Main.FAILED);
            assertThat(r.err()).as(junk).contains("dump.json is not a list of saved apps (damaged or edited)", "move it away")
                    .doesNotContain("NullPointerException");
        }
    }

    @Test
    void startApp_whereAppIsNoFileButAKnownApp_restartsIt_asPm2Does() {
        assertThat(home.brigade("start", "--name", "rec", "--", "sleep", "1000").code()).isZero();
        assertThat(home.brigade("stop", "rec").code()).isZero();
        assertThat(home.instances("rec")).allSatisfy(i -> assertThat(i.get("status").asText()).isEqualTo("stopped"));

        MainTest.Outcome stopped = home.brigade("start", "rec");
        assertThat(stopped.code()).as(stopped.toString()).isZero();
        assertThat(stopped.err()).contains("no file or command named \"rec\", but app 1 rec exists: restarting it");
        assertThat(home.instances("rec")).singleElement().satisfies(i -> assertThat(i.get("status").asText()).isEqualTo("online"));
        long pid = home.instances("rec").get(0).get("pid").asLong();

        MainTest.Outcome running = home.brigade("start", "1"); // by id too; a running app is restarted
        assertThat(running.code()).as(running.toString()).isZero();
        assertThat(running.err()).contains("restarting it");
        assertThat(home.instances("rec")).singleElement().satisfies(i -> {
            assertThat(i.get("status").asText()).isEqualTo("online");
            assertThat(i.get("pid").asLong()).isNotEqualTo(pid);
        });
        assertThat(home.ls()).hasSize(1);

        MainTest.Outcome ghost = home.brigade("start", "ghost"); // neither a file nor an app: the file's error
        assertThat(ghost.code()).isEqualTo(Main.FAILED);
        assertThat(ghost.err()).contains("command not found: \"ghost\"").doesNotContain("restarting");
    }

    @Test
    void startKnownApp_withInstances_scalesIt_andOtherOptions_areRefusedByName_notDropped() {
        assertThat(home.brigade("start", "--name", "sc", "--", "sleep", "1000").code()).isZero();

        MainTest.Outcome scaled = home.brigade("start", "sc", "-i", "2");
        assertThat(scaled.code()).as(scaled.toString()).isZero();
        assertThat(scaled.err()).contains("restarting it", "scaling it from 1 to 2 instances (as brigade scale 1 2)");
        assertThat(home.instances("sc")).hasSize(2).allSatisfy(i -> assertThat(i.get("status").asText()).isEqualTo("online"));
        List<Long> pids = home.instances("sc").stream().map(i -> i.get("pid").asLong()).toList();

        MainTest.Outcome refused = home.brigade("start", "sc", "--port", "9000", "--env", "A=b", "-i", "3");
        assertThat(refused.code()).as(refused.toString()).isEqualTo(Main.USAGE);
        assertThat(refused.err()).contains("app 1 sc exists", "--port 9000", "--env A=b", "nothing was done", "brigade scale sc N",
                "'brigade delete sc', then start it again").doesNotContain("--instances");
        assertThat(home.instances("sc")).hasSize(2).allSatisfy(i -> assertThat(pids).contains(i.get("pid").asLong()));
        assertThat(home.ls()).hasSize(1);
        MainTest.Outcome logs = home.brigade("logs", "sc", "--lines", "5", "--nostream"); // PM2's: the recent lines, then exit
        assertThat(logs.code()).as(logs.toString()).isZero();
        MainTest.Outcome ps = home.brigade("ps");
        assertThat(ps.code()).isZero();
        assertThat(ps.out()).contains(" sc ");

        assertThat(home.brigade("stop", "all").code()).isZero();
        MainTest.Outcome all = home.brigade("start", "all"); // PM2's: every app, as restart all
        assertThat(all.code()).as(all.toString()).isZero();
        assertThat(all.err()).contains("no file or command named \"all\": restarting every app (as brigade restart all)");
        assertThat(home.instances("sc")).hasSize(2).allSatisfy(i -> assertThat(i.get("status").asText()).isEqualTo("online"));
        MainTest.Outcome allScaled = home.brigade("start", "all", "-i", "3");
        assertThat(allScaled.code()).isEqualTo(Main.USAGE);
        assertThat(allScaled.err()).contains("--instances cannot apply to them all: nothing was done");
        assertThat(home.instances("sc")).hasSize(2);
    }

    @Test
    void stopRestartReloadDelete_ofAYaml_actOnItsApps_andNameTheAppsThatDoNotRun_beforeDoingAnything() throws Exception {
        String sleeper = "    script: sleep\n    args: [\"1000\"]\n";
        Path yaml = Files.writeString(dir.resolve("brigade.yaml"), "apps:\n  - name: ya\n" + sleeper + "  - name: yb\n" + sleeper);
        Path other = Files.writeString(dir.resolve("other.yaml"), "apps:\n  - name: ya\n" + sleeper + "  - name: yc\n" + sleeper
                + "  - name: yd\n" + sleeper);
        assertThat(home.brigade("start", yaml.toString()).code()).isZero();

        for (String command : List.of("stop", "restart", "reload", "delete")) {
            MainTest.Outcome o = home.brigade(command, other.toString());
            assertThat(o.code()).as(command + " " + o).isEqualTo(Main.FAILED);
            assertThat(o.err()).as(command).contains(other + ": apps yc, yd do not run (the daemon knows ya, yb; 'brigade start " + other
                    + "' starts them); nothing was done");
        }
        assertThat(home.instances("ya")).allSatisfy(i -> assertThat(i.get("status").asText()).isEqualTo("online"));

        MainTest.Outcome stop = home.brigade("stop", yaml.toString());
        assertThat(stop.code()).as(stop.toString()).isZero();
        assertThat(stop.out()).contains("stopped: ya", "stopped: yb");
        assertThat(home.instances("yb")).allSatisfy(i -> assertThat(i.get("status").asText()).isEqualTo("stopped"));
        assertThat(home.brigade("delete", yaml.toString()).code()).isZero();
        assertThat(home.ls()).isEmpty();
    }

    @Test
    void resurrect_saysWhichSavedAppsItLeavesStopped() {
        assertThat(home.brigade("start", "--name", "ra", "--", "sleep", "1000").code()).isZero();
        assertThat(home.brigade("start", "--name", "rb", "--", "sleep", "1000").code()).isZero();
        assertThat(home.brigade("save").code()).isZero();
        assertThat(home.brigade("stop", "ra").code()).isZero();
        MainTest.Outcome o = home.brigade("resurrect");
        assertThat(o.code()).as(o.toString()).isZero();
        assertThat(o.out()).contains("every saved app runs already");
        assertThat(o.err().strip()).isEqualTo("brigade: saved app ra is stopped, and resurrect starts only the saved apps the daemon does "
                + "not know: 'brigade restart ra' starts it");
    }

    @Test
    void scalePlusN_addsInstances_andMinusN_removesThem_asPm2s() {
        assertThat(home.brigade("start", "--name", "sz", "--", "sleep", "1000").code()).isZero();
        MainTest.Outcome up = home.brigade("scale", "sz", "+2");
        assertThat(up.code()).as(up.toString()).isZero();
        assertThat(home.instances("sz")).hasSize(3);
        MainTest.Outcome down = home.brigade("scale", "sz", "-1");
        assertThat(down.code()).as(down.toString()).isZero();
        assertThat(home.instances("sz")).hasSize(2);
        MainTest.Outcome tooFew = home.brigade("scale", "sz", "-2");
        assertThat(tooFew.code()).isEqualTo(Main.USAGE);
        assertThat(tooFew.err()).contains("sz has 2 instance(s), and -2 would make 0, not in 1..1024");
        assertThat(home.instances("sz")).hasSize(2);
    }
}
