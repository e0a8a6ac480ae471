package dev.brigade.manager.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import dev.brigade.manager.config.Host;
import picocli.CommandLine;
import org.junit.jupiter.api.Test;

class MainTest {

    /** What one run of the command printed, and its exit code. */
    record Outcome(int code, String out, String err) {
    }

    static Outcome brigade(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void version_printsTheProjectVersion_andExitsZero() {
        Outcome o = brigade("--version");
        assertThat(o.code()).isZero();
        assertThat(o.out()).startsWith("brigade 0.").doesNotContain("${").doesNotContain("unknown");
        assertThat(o.out()).contains("JVM: " + Runtime.version());
        assertThat(o.err()).isEmpty();
    }

    @Test
    void help_listsTheCommands_andTheExitCodes() {
        Outcome o = brigade("--help");
        assertThat(o.code()).isZero();
        assertThat(o.out()).contains("Usage: brigade", "demo", "bench", "Exit codes:",
                "0  ok", "1  the command failed", "2  usage error");
    }

    @Test
    void noCommand_printsUsageOnStderr_asAUsageError() {
        Outcome o = brigade();
        assertThat(o.code()).isEqualTo(Main.USAGE);
        assertThat(o.err()).contains("Usage: brigade");
        assertThat(o.out()).isEmpty();
    }

    @Test
    void unknownOption_isNamed_withoutAStackTrace() {
        Outcome o = brigade("--frobnicate");
        assertThat(o.code()).isEqualTo(Main.USAGE);
        assertThat(o.err()).contains("Unknown option: '--frobnicate'").contains("Usage: brigade")
                .doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void unknownCommand_isAUsageError() {
        Outcome o = brigade("frobnicate");
        assertThat(o.code()).isEqualTo(Main.USAGE);
        assertThat(o.err()).startsWith("brigade: unknown command 'frobnicate'").contains("see brigade --help")
                .doesNotContain("brigade brigade").doesNotContain("Usage:").doesNotContain("Unmatched argument");
        assertThat(o.err().lines().count()).isLessThanOrEqualTo(3);
    }

    @Test
    void misspelledCommand_suggestsTheNearCommands_byEditDistanceOrPrefix() {
        Outcome strat = brigade("strat", "app.jar");
        assertThat(strat.code()).isEqualTo(Main.USAGE);
        assertThat(strat.err()).contains("unknown command 'strat'").contains("did you mean 'start'");
        assertThat(brigade("dl").err()).contains("'del'"); // an alias, one edit away
        assertThat(brigade("resu").err()).contains("'resurrect'"); // a prefix
        assertThat(brigade("resu").err()).doesNotContain("'start'");
        assertThat(Suggestions.near("strat", List.of("status", "stop", "jlist", "start"))).containsExactly("start");
    }

    @Test
    void instances_outOfRange_namesTheRange() {
        Outcome o = brigade("start", "-i", "5000", "--", "sh", "-c", "exit 0");
        assertThat(o.code()).isEqualTo(Main.USAGE);
        assertThat(o.err()).contains("--instances: expected an integer in 1..1024", "got \"5000\"");
    }

    @Test
    void instances_zeroAndMinusOne_havePm2sMeaning_onTheCommandLine() throws Exception {
        int cores = dev.brigade.manager.container.CpuQuota.cores();
        assertThat(instances("0")).isEqualTo(cores);
        assertThat(instances("-1")).isEqualTo(Math.max(1, cores - 1));
        assertThat(instances("max")).isEqualTo(cores);
        assertThat(instances("3")).isEqualTo(3);
    }

    /** The instances {@code brigade start -i N -- sh} would ask the daemon for. */
    private static int instances(String n) throws Exception {
        StartOptions options = new StartOptions();
        List<String> args = List.of("-i", n, "--", "sh", "-c", "exit 0");
        new CommandLine(options).parseArgs(args.toArray(String[]::new));
        return options.specs(args, "start", Host.current()).get(0).instances();
    }

    @Test
    void bench_unknownSuite_namesTheValidSuites() {
        Outcome o = brigade("bench", "nosuch");
        assertThat(o.code()).isEqualTo(Main.USAGE);
        assertThat(o.err()).contains("unknown suite 'nosuch'")
                .contains("workers, pool, cluster, ports, manager, store, dashboard, all")
                .doesNotContain("\tat ");
    }

    @Test
    void bench_withoutASuite_isAUsageError() {
        Outcome o = brigade("bench");
        assertThat(o.code()).isEqualTo(Main.USAGE);
        assertThat(o.err()).contains("Missing required parameter: '<suite>'");
    }

    @Test
    void bench_unknownOption_isNamed() {
        Outcome o = brigade("bench", "workers", "--fast");
        assertThat(o.code()).isEqualTo(Main.USAGE);
        assertThat(o.err()).contains("Unknown option: '--fast'");
    }

    @Test
    void bench_withoutTheBenchJar_saysHowToGetIt() {
        // brigade-manager's own class path has no brigade-bench: the distribution adds it.
        Outcome o = brigade("bench", "workers", "--quick");
        assertThat(o.code()).isEqualTo(Main.FAILED);
        assertThat(o.err()).contains("the bench is not on the class path").contains("brigade-dist");
        assertThat(o.out()).isEmpty();
    }

    @Test
    void benchHelp_listsTheSuites() {
        Outcome o = brigade("help", "bench");
        assertThat(o.code()).isZero();
        assertThat(o.out()).contains("--json", "--quick", "workers, pool, cluster");
    }

    @Test
    void valueErrors_nameTheOption_theValue_andWhatIsValid() {
        Outcome env = brigade("start", "--env", "FOO", "--", "sh");
        assertThat(env.code()).isEqualTo(Main.USAGE);
        assertThat(env.err()).startsWith("brigade start: --env: expected KEY=VALUE, got \"FOO\"").doesNotContain("should be in");
        Outcome lines = brigade("logs", "--lines", "abc");
        assertThat(lines.code()).isEqualTo(Main.USAGE);
        assertThat(lines.err()).startsWith("brigade logs: --lines: expected an integer, 0 or more, got \"abc\"").doesNotContain("is not an int");
        Outcome port = brigade("run", "--metrics-port", "abc", "--", "sh");
        assertThat(port.code()).isEqualTo(Main.USAGE);
        assertThat(port.err()).startsWith("brigade run: --metrics-port: expected a port in 0..65535, got \"abc\"");
    }

    @Test
    void aMissingYaml_isFileNotFound_withTheNormalisedPath(@TempDir Path dir) {
        Outcome o = brigade("start", "--home", dir.resolve("home").toString(), "--cwd", dir.toString(), "./nope.yaml");
        assertThat(o.code()).isEqualTo(Main.FAILED);
        assertThat(o.err().strip()).isEqualTo("brigade: TARGET: file not found: " + dir.resolve("nope.yaml"));
    }

    @Test
    void reloadRestartStopDelete_ofAMissingYaml_isFileNotFound_likeStart(@TempDir Path dir) {
        Path cwd = Path.of("").toAbsolutePath();
        for (String command : List.of("reload", "restart", "stop", "delete")) {
            Outcome o = brigade(command, "--home", dir.resolve("home").toString(), "nope/../missing.yaml");
            assertThat(o.code()).as(command).isEqualTo(Main.FAILED);
            assertThat(o.err().strip()).as(command).isEqualTo("brigade: nope/../missing.yaml: file not found: " + cwd.resolve("missing.yaml"));
        }
        assertThat(dir.resolve("home/daemon.sock")).doesNotExist(); // no daemon was started to say so
    }

    @Test
    void appOptionsWithAYaml_areRefusedByName_notIgnored(@TempDir Path dir) throws Exception {
        java.nio.file.Files.writeString(dir.resolve("brigade.yaml"), "apps:\n  - script: sleep\n    args: [\"1000\"]\n");
        for (String command : List.of("start", "run")) {
            Outcome o = brigade(command, "--home", dir.resolve("home").toString(), "--cwd", dir.toString(), "brigade.yaml", "-i", "4",
                    "--port", "9000", "--env", "A=b");
            assertThat(o.code()).as(command).isEqualTo(Main.USAGE);
            assertThat(o.err().strip()).as(command).isEqualTo("brigade: --instances, --port, --env do not apply to brigade.yaml: its apps "
                    + "take their settings from the file (set instances:, port:, env: there; or, once an app runs, brigade scale APP N)");
        }
        assertThat(brigade("start", "--home", dir.resolve("home").toString(), "--cwd", dir.toString(), "brigade.yaml", "--max-memory", "1G")
                .err()).contains("--max-memory does not apply to brigade.yaml", "(set maxMemory: there)");
        assertThat(dir.resolve("home/daemon.sock")).doesNotExist();
    }

    @Test
    void pm2sJavaScriptTargets_sayWhatWorksInstead(@TempDir Path dir) throws Exception {
        java.nio.file.Files.writeString(dir.resolve("ecosystem.config.js"), "module.exports = { apps: [{ name: 'api', script: 'sleep' }] }\n");
        java.nio.file.Files.writeString(dir.resolve("app.js"), "console.log('hi')\n");
        String home = dir.resolve("home").toString();
        Outcome eco = brigade("start", "--home", home, "--cwd", dir.toString(), "ecosystem.config.js");
        assertThat(eco.code()).isEqualTo(Main.USAGE);
        assertThat(eco.err().strip()).isEqualTo("brigade: ecosystem.config.js: a PM2 ecosystem file in JavaScript, which Brigade cannot "
                + "read; the same apps in JSON or YAML work (PM2's keys too): node -e 'console.log(JSON.stringify(require(\"./ecosystem.config.js\"), "
                + "null, 2))' > ecosystem.config.json, then use ecosystem.config.json");
        Outcome absolute = brigade("stop", "--home", home, dir.resolve("ecosystem.config.js").toString());
        assertThat(absolute.code()).isEqualTo(Main.USAGE);
        assertThat(absolute.err()).contains("require(\"" + dir.resolve("ecosystem.config.js") + "\")");
        Outcome app = brigade("start", "--home", home, "--cwd", dir.toString(), "app.js", "-i", "2");
        assertThat(app.code()).isEqualTo(Main.USAGE);
        assertThat(app.err().strip()).isEqualTo("brigade: app.js: a JavaScript file, which PM2 runs with node; Brigade runs commands: "
                + "brigade start \"node app.js\" (or --name NAME -- node app.js)");
        assertThat(dir.resolve("home/daemon.sock")).doesNotExist();
    }

    @Test
    void pm2sListAliases_andLogsNostream() {
        for (String alias : List.of("l", "ps", "status")) {
            Outcome o = brigade(alias, "--help");
            assertThat(o.code()).as(alias).isZero();
            assertThat(o.out()).as(alias).contains("Usage: brigade list");
        }
        Outcome both = brigade("logs", "--nostream", "-f");
        assertThat(both.code()).isEqualTo(Main.USAGE);
        assertThat(both.err()).contains("--nostream and --follow exclude each other");
    }

    @Test
    void severalForkModeJvms_areWarnedAbout_andPortPointsToClusterMode(@TempDir Path dir) throws Exception {
        Path jar = TestJars.runnable(dir, "app.jar", TestApp.class);
        String fork = warnings("-i", "3", jar.toString());
        assertThat(fork).contains("warning: app runs as 3 separate processes in fork mode", "--port P", "cluster mode");
        assertThat(warnings("-i", "max", jar.toString())).isEqualTo(dev.brigade.manager.container.CpuQuota.cores() > 1 ? fork
                .replace("3 separate", dev.brigade.manager.container.CpuQuota.cores() + " separate") : "");
        assertThat(warnings("-i", "3", "--port", "0", jar.toString())).isEmpty(); // cluster mode
        assertThat(warnings(jar.toString())).isEmpty(); // one JVM
        assertThat(warnings("-i", "3", "--", "sh", "-c", "exit 0")).isEmpty(); // not a JVM
    }

    /** What {@code brigade start ARGS} warns of before asking the daemon. */
    private static String warnings(String... args) throws Exception {
        StartOptions options = new StartOptions();
        new CommandLine(options).parseArgs(args);
        var err = new ByteArrayOutputStream();
        StartOptions.warnFork(options.specs(List.of(args), "start", Host.current()), new PrintStream(err, true, StandardCharsets.UTF_8));
        return err.toString(StandardCharsets.UTF_8);
    }
}
