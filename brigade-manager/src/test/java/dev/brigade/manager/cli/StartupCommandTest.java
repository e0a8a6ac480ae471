package dev.brigade.manager.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** brigade startup, as a process with XDG_CONFIG_HOME and BRIGADE_HOME in temporary directories. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StartupCommandTest {
    @RegisterExtension
    final TestHome home = new TestHome();

    @TempDir
    Path config;

    /** {@code brigade startup ARGS} in a JVM of its own, with XDG_CONFIG_HOME and BRIGADE_HOME set. */
    private MainTest.Outcome startup(String... args) throws IOException, InterruptedException {
        return startup(java.util.Map.of(), args);
    }

    /** {@code brigade startup ARGS} with {@code env} too, and none of Brigade's other variables of this JVM. */
    private MainTest.Outcome startup(java.util.Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "startup"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("XDG_CONFIG_HOME", config.toString());
        pb.environment().put("BRIGADE_HOME", home.dir.toString());
        pb.environment().keySet().removeAll(StartupCommand.CARRIED.subList(1, StartupCommand.CARRIED.size()));
        pb.environment().putAll(env);
        Process p = pb.start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("startup did not finish");
        }
        return new MainTest.Outcome(p.exitValue(), out.join(), err.join());
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    void userUnit_underXdgConfigHome_dryRunWritesNothing_thenWritten_thenUnchanged() throws Exception {
        Path unit = config.resolve("systemd/user/brigade.service");

        MainTest.Outcome dry = startup("--dry-run");
        assertThat(dry.code()).as(dry.toString()).isZero();
        assertThat(dry.out()).contains("dry run: would write " + unit, "nothing written", "[Service]", "then run:");
        assertThat(unit).doesNotExist();
        assertThat(config.resolve("systemd")).doesNotExist();

        MainTest.Outcome first = startup();
        assertThat(first.code()).as(first.toString()).isZero();
        assertThat(unit).isRegularFile();
        String content = Files.readString(unit);
        assertThat(content)
                .contains("[Unit]", "[Service]", "[Install]", "Type=notify\n", "WatchdogSec=30s\n", "Restart=on-failure\n", "KillMode=mixed\n",
                        "WantedBy=default.target\n", "Environment=BRIGADE_HOME=" + home.dir + "\n",
                        "WorkingDirectory=" + home.dir + "\n", Main.class.getName() + " run --resurrect\n",
                        Main.class.getName() + " kill\n")
                .doesNotContain("User=", "multi-user.target");
        assertThat(content.lines().filter(l -> l.startsWith("ExecStart="))).singleElement()
                .satisfies(l -> assertThat(l).startsWith("ExecStart=" + ProcessHandle.current().info().command().orElseThrow() + " "));
        assertThat(first.out()).contains("wrote " + unit, content, "systemctl --user daemon-reload",
                "systemctl --user enable --now brigade.service", "loginctl enable-linger",
                "note: " + home.dir.resolve("dump.json") + " does not exist yet");

        MainTest.Outcome second = startup("--user");
        assertThat(second.code()).as(second.toString()).isZero();
        assertThat(second.out()).contains("unchanged: " + unit).doesNotContain("wrote ");
        assertThat(Files.readString(unit)).isEqualTo(content);
        assertThat(startup("--dry-run").out()).contains("would leave unchanged " + unit);
    }

    @Test
    void theUnit_carriesTheShellsBrigadeVariables_soTheServiceUsesTheSameCacheAndJdks() throws Exception {
        String javaHome = System.getProperty("java.home");
        MainTest.Outcome o = startup(java.util.Map.of("BRIGADE_CACHE", "my cache", "JAVA_HOME", javaHome, "BRIGADE_METRICS_PORT", "9464",
                "BRIGADE_ARCHIVE_CAP_MB", "200"), "--dry-run");
        assertThat(o.code()).as(o.toString()).isZero();
        String cwd = Path.of("").toAbsolutePath().toString();
        assertThat(o.out()).contains("Environment=\"BRIGADE_CACHE=" + cwd + "/my cache\"\n", "Environment=JAVA_HOME=" + javaHome + "\n",
                "Environment=BRIGADE_METRICS_PORT=9464\n", "Environment=BRIGADE_ARCHIVE_CAP_MB=200\n", "Environment=PATH=")
                .doesNotContain("XDG_CACHE_HOME", "BRIGADE_DRAIN_MILLIS");
        assertThat(startup("--dry-run").out()).doesNotContain("BRIGADE_CACHE", "JAVA_HOME");
    }

    @Test
    void socketOption_writesASocketUnitPerName_besideTheService_whichRequiresAndTakesThem() throws Exception {
        Path units = config.resolve("systemd/user");
        MainTest.Outcome dry = startup("--socket", "web:8080", "--socket", "admin:127.0.0.1:9000", "--dry-run");
        assertThat(dry.code()).as(dry.toString()).isZero();
        assertThat(dry.out()).contains("would write " + units.resolve("brigade-web.socket"), "would write " + units.resolve("brigade-admin.socket"),
                "would write " + units.resolve("brigade.service"),
                "[Socket]\nListenStream=8080\nFileDescriptorName=web\nService=brigade.service\n",
                "[Socket]\nListenStream=127.0.0.1:9000\nFileDescriptorName=admin\nService=brigade.service\n", "WantedBy=sockets.target",
                "Requires=brigade-web.socket brigade-admin.socket\nAfter=brigade-web.socket brigade-admin.socket\n",
                "Sockets=brigade-web.socket brigade-admin.socket\n",
                "systemctl --user enable --now brigade-web.socket brigade-admin.socket");
        assertThat(units).doesNotExist();

        MainTest.Outcome web = startup("--socket", "web:8080");
        assertThat(web.code()).as(web.toString()).isZero();
        assertThat(Files.readString(units.resolve("brigade-web.socket"))).contains("ListenStream=8080\n");
        assertThat(Files.readString(units.resolve("brigade.service"))).contains("Sockets=brigade-web.socket\n");
        MainTest.Outcome admin = startup("--socket", "admin:[::1]:9000");
        assertThat(admin.code()).as(admin.toString()).isZero();
        assertThat(admin.out()).contains("wrote " + units.resolve("brigade-admin.socket"), "ListenStream=[::1]:9000\n",
                "updated " + units.resolve("brigade.service"), "note: " + units.resolve("brigade-web.socket")
                        + " is left from an earlier 'brigade startup --socket' and no longer used: systemctl --user disable --now brigade-web.socket");
        MainTest.Outcome none = startup();
        assertThat(Files.readString(units.resolve("brigade.service"))).doesNotContain("Sockets=", "Requires=");
        assertThat(none.out()).contains("note: " + units.resolve("brigade-admin.socket"));

        for (String bad : List.of("web", "web:0", "web:70000", "web:localhost:80", "we b:80", ":80")) {
            MainTest.Outcome o = home.brigade("startup", "--dry-run", "--socket", bad);
            assertThat(o.code()).as(bad).isEqualTo(Main.USAGE);
            assertThat(o.err()).as(bad).contains("--socket", bad);
        }
        MainTest.Outcome twice = home.brigade("startup", "--dry-run", "--socket", "web:80", "--socket", "web:81");
        assertThat(twice.code()).isEqualTo(Main.USAGE);
        assertThat(twice.err()).contains("--socket web:81: the name web is given twice");
    }

    @Test
    void systemUnit_dryRun_runsAsTheUser_andSaysSudo() {
        MainTest.Outcome o = home.brigade("startup", "--system", "--dry-run");
        assertThat(o.code()).as(o.toString()).isZero();
        assertThat(o.out()).contains("/etc/systemd/system/brigade.service", "nothing written", "User=",
                "WantedBy=multi-user.target", "After=network-online.target", "sudo systemctl enable --now brigade.service")
                .doesNotContain("loginctl");
    }

    @Test
    void userAndSystem_isAUsageError() {
        MainTest.Outcome o = home.brigade("startup", "--user", "--system", "--dry-run");
        assertThat(o.code()).isEqualTo(Main.USAGE);
        assertThat(o.err()).contains("--user and --system");
    }

    @Test
    void quoting_escapesWhatSystemdExpands() {
        assertThat(StartupCommand.quote("/opt/brigade/lib/*")).isEqualTo("/opt/brigade/lib/*");
        assertThat(StartupCommand.quote("/my dir/x")).isEqualTo("\"/my dir/x\"");
        assertThat(StartupCommand.quote("50%$HOME")).isEqualTo("50%%$$HOME");
        assertThat(StartupCommand.quote("say \"hi\"")).isEqualTo("\"say \\\"hi\\\"\"");
    }
}
