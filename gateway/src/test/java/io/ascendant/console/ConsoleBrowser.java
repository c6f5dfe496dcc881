package io.ascendant.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's chromium driven by Selenium for the console tests: headless, no sandbox (root), no background networking
 * (only loopback is reachable), explicit browser and driver paths so Selenium Manager never runs. Screenshots go to
 * {@code target/console-screenshots/}, downloads to a private directory.
 */
final class ConsoleBrowser implements AutoCloseable {

    static final Path SCREENSHOTS = Path.of("target/console-screenshots");
    private static final ObjectMapper JSON = new ObjectMapper();

    final WebDriver driver;
    final WebDriverWait wait;
    final Path downloads;

    ConsoleBrowser() {
        try {
            downloads = Files.createTempDirectory("console-downloads-");
            Files.createDirectories(SCREENSHOTS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(System.getProperty("ascendant.test.chromium", "/usr/bin/chromium"));
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-quic",
                "--no-first-run",
                "--window-size=1280,900");
        options.setExperimentalOption(
                "prefs",
                Map.of(
                        "download.default_directory",
                        downloads.toAbsolutePath().toString(),
                        "download.prompt_for_download",
                        false));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(
                        Path.of(System.getProperty("ascendant.test.chromedriver", "/usr/bin/chromedriver"))
                                .toFile())
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(1280, 900));
        wait = new WebDriverWait(driver, Duration.ofSeconds(30));
        // The console re-renders tables after each change: an element found in one poll can be replaced before the
        // condition reads it. Such a poll is retried, as a missing element is (seen on a loaded CI machine).
        wait.ignoring(StaleElementReferenceException.class);
    }

    /** Opens the console and signs in on Keycloak's own login page. */
    void signIn(String consoleUrl, String username, String password) {
        driver.get(consoleUrl);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
        assertThat(driver.getCurrentUrl()).contains("/realms/ascendant/protocol/openid-connect/auth");
        driver.findElement(By.id("username")).sendKeys(username);
        if (driver.findElements(By.id("password")).isEmpty()) {
            // Realms with organizations ask for the username first (identity-first login), then the password.
            driver.findElement(By.id("kc-login")).click();
        }
        waitFor(By.id("password")).sendKeys(password);
        driver.findElement(By.id("kc-login")).click();
        wait.until(ExpectedConditions.textToBe(By.id("who-name"), username));
    }

    WebElement waitFor(By by) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    void waitForText(By by, String text) {
        wait.until(ExpectedConditions.textToBePresentInElementLocated(by, text));
    }

    /** The form whose aria-label is {@code label}. */
    WebElement form(String label) {
        return waitFor(By.cssSelector("form[aria-label='" + label + "']"));
    }

    static void fill(WebElement form, String name, String value) {
        WebElement input = form.findElement(By.name(name));
        if (input.getTagName().equals("select")) {
            new Select(input).selectByValue(value);
        } else {
            input.clear();
            input.sendKeys(value);
        }
    }

    static void submit(WebElement form) {
        form.findElement(By.cssSelector("button[type=submit]")).click();
    }

    /** The error text next to the input named {@code name}. */
    static String fieldError(WebElement form, String name) {
        return form.findElement(By.cssSelector("[data-error-for='" + name + "']"))
                .getText();
    }

    void screenshot(String name) {
        try {
            Files.write(
                    SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs axe-core (WCAG 2 A/AA rules) on the page; returns the serious and critical violations. */
    List<String> seriousAccessibilityViolations() {
        JavascriptExecutor js = (JavascriptExecutor) driver;
        js.executeScript(axeSource());
        Object raw = js.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "axe.run(document, {resultTypes: ['violations']})"
                + ".then(r => done(JSON.stringify(r.violations)), e => done(JSON.stringify([{id: 'axe-error',"
                + " impact: 'critical', help: String(e), nodes: []}])));");
        List<String> out = new ArrayList<>();
        try {
            for (JsonNode v : JSON.readTree(String.valueOf(raw))) {
                String impact = v.path("impact").asText();
                if (impact.equals("serious") || impact.equals("critical")) {
                    List<String> targets = new ArrayList<>();
                    v.path("nodes").forEach(n -> targets.add(n.path("target").toString()));
                    out.add(impact + " " + v.path("id").asText() + ": "
                            + v.path("help").asText() + " " + targets);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Waits for a downloaded file whose name ends with {@code suffix}; returns its bytes. */
    byte[] awaitDownload(String suffix) throws IOException, InterruptedException {
        for (int i = 0; i < 150; i++) {
            try (var files = Files.list(downloads)) {
                var done = files.filter(p -> p.toString().endsWith(suffix)).findFirst();
                if (done.isPresent() && Files.size(done.get()) > 0) {
                    return Files.readAllBytes(done.get());
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no *" + suffix + " downloaded into " + downloads);
    }

    private static String axeSource;

    private static synchronized String axeSource() {
        if (axeSource == null) {
            try (InputStream in = ConsoleBrowser.class.getResourceAsStream(
                    "/META-INF/resources/webjars/axe-core/" + AXE_VERSION + "/axe.min.js")) {
                if (in == null) {
                    throw new IllegalStateException("axe-core " + AXE_VERSION + " webjar not on the test classpath");
                }
                axeSource = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return axeSource;
    }

    private static final String AXE_VERSION = "4.6.3";

    @Override
    public void close() {
        driver.quit();
    }
}
