package dev.brigade.manager.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * The dashboard in a real headless Chromium (Debian's chromium and chromedriver, driven by Selenium; profile
 * {@code browser}, which .ci/run runs): the page loads without a console error, shows the apps that run, follows
 * a SIGKILLed worker, and an action sent from the page without the token is refused. Saves target/dashboard.png.
 * Fails (never skips) when the browser is missing: the profile was asked for.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class DashboardBrowserTest {
    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("BRIGADE_CHROMIUM", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getenv().getOrDefault("BRIGADE_CHROMEDRIVER", "/usr/bin/chromedriver"));
    static final Duration BOUND = RunProcess.BOUND;

    @RegisterExtension
    final TestHome home = new TestHome();

    @TempDir
    Path profile;

    @Test
    void the_page_shows_the_apps_live_follows_a_killed_worker_and_refuses_an_action_without_the_token() throws Exception {
        assertThat(Files.isExecutable(CHROMIUM)).as("the browser test needs Chromium at " + CHROMIUM
                + " (apt-get install chromium chromium-driver, or set BRIGADE_CHROMIUM)").isTrue();
        assertThat(Files.isExecutable(CHROMEDRIVER)).as("the browser test needs chromedriver at " + CHROMEDRIVER
                + " (apt-get install chromium-driver, or set BRIGADE_CHROMEDRIVER)").isTrue();

        MainTest.Outcome web = home.brigade("start", "--name", "web", "-i", "2", "--port", "0", "--kill-timeout", "5s",
                "--cp", ClusterModeTest.DEMO_CP, ClusterModeTest.DEMO_MAIN);
        assertThat(web.code()).as(web.toString()).isZero();
        MainTest.Outcome tiny = home.brigade("start", "--name", "tiny", "--cp", RunProcess.testClasses(), TestApp.class.getName());
        assertThat(tiny.code()).as(tiny.toString()).isZero();
        MainTest.Outcome dash = home.brigade("dashboard", "--port", "0");
        assertThat(dash.code()).as(dash.toString()).isZero();
        String url = dash.out().strip();

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1000",
                "--user-data-dir=" + profile, "--no-first-run", "--disable-extensions");
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        try {
            driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60)).pageLoadTimeout(Duration.ofSeconds(120));
            JavascriptExecutor js = driver;
            driver.get(url);

            // the apps that run, with their workers, from the stream
            await().atMost(BOUND).until(() -> count(js, "section.app[data-app=web] tr.worker[data-state=listening]") == 2
                    && count(js, "section.app[data-app=tiny] tr.worker[data-state=online]") == 1);
            assertThat(js.executeScript("return document.getElementById('live').textContent")).isEqualTo("live");
            assertThat(count(js, "section.app[data-app=web] .actions button")).isEqualTo(4);
            assertThat(count(js, "section.app .uplot")).isEqualTo(4); // CPU and memory, per app
            List<LogEntry> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).toList();
            assertThat(errors).as("the browser's console").isEmpty();

            // a SIGKILLed worker: the page shows it go and come back, without a reload of the page
            long pid = Long.parseLong(String.valueOf(js.executeScript(
                    "return document.querySelector('section.app[data-app=web] tr.worker[data-instance=\"0\"]').dataset.pid")));
            assertThat(home.instances("web").get(0).get("pid").asLong()).isEqualTo(pid);
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            await().atMost(BOUND).until(() -> {
                Object now = js.executeScript("const r = document.querySelector('section.app[data-app=web] tr.worker[data-instance=\"0\"]');"
                        + " return r ? r.dataset.pid + ' ' + r.dataset.state : ''");
                return !String.valueOf(now).startsWith(pid + " listening");
            });
            await().atMost(BOUND).until(() -> count(js, "section.app[data-app=web] tr.worker[data-state=listening]") == 2);

            // an action from the page's own context, without the token: refused, nothing restarted
            long tinyPid = home.instances("tiny").get(0).get("pid").asLong();
            Object status = js.executeAsyncScript("const done = arguments[arguments.length - 1];"
                    + " fetch('api/apps/tiny/restart', {method: 'POST'}).then(r => done(r.status), e => done(String(e)));");
            assertThat(status).isEqualTo(401L);
            assertThat(home.instances("tiny").get(0).get("pid").asLong()).isEqualTo(tinyPid);

            // the page's own scale button (the browser's Origin and Sec-Fetch-Site pass the CSRF checks)
            js.executeScript("const a = document.querySelector('section.app[data-app=tiny] .actions');"
                    + " a.querySelector('input').value = '2'; [...a.querySelectorAll('button')].find(b => b.textContent === 'scale').click();");
            await().atMost(BOUND).until(() -> count(js, "section.app[data-app=tiny] tr.worker[data-state=online]") == 2);
            assertThat(home.instances("tiny")).hasSize(2);
            await().atMost(BOUND).until(() -> String.valueOf(js.executeScript("return document.getElementById('toast').textContent"))
                    .contains("scaled to 2"));

            // some seconds of chart, then the picture
            long updates = updates(js);
            await().atMost(BOUND).until(() -> updates(js) >= updates + 8);
            Path shot = Path.of("target", "dashboard.png");
            Files.createDirectories(shot.getParent());
            Files.write(shot, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
            assertThat(Files.size(shot)).isPositive();

            // read-only: the same apps, no action offered
            MainTest.Outcome ro = home.brigade("dashboard", "--port", "0", "--read-only");
            assertThat(ro.code()).as(ro.toString()).isZero();
            driver.get(ro.out().strip());
            await().atMost(BOUND).until(() -> count(js, "section.app tr.worker") == 4
                    && Boolean.TRUE.equals(js.executeScript("return !document.getElementById('ro').hidden")));
            assertThat(count(js, ".actions:not([hidden])")).isZero();
        } finally {
            driver.quit();
            service.stop();
        }
    }

    private static long count(JavascriptExecutor js, String selector) {
        return ((Number) js.executeScript("return document.querySelectorAll(arguments[0]).length", selector)).longValue();
    }

    private static long updates(JavascriptExecutor js) {
        return Long.parseLong(String.valueOf(js.executeScript("return document.body.dataset.updates || '0'")));
    }
}
