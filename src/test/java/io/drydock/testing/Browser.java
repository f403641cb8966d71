package io.drydock.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real headless Chromium driven through chromedriver, for tests of what a browser shows. Uses the system's
 * {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver} and nothing else: Selenium Manager is never asked to
 * find or download a driver or a browser. A test is skipped (not failed) only when one of the two is missing.
 *
 * <pre>
 * try (Browser b = Browser.start()) {
 *     b.driver().get(url);
 *     b.screenshot("overview");   // target/screenshots/overview.png
 * }
 * </pre>
 */
public final class Browser implements AutoCloseable {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** Where screenshots go: test artifacts beside Maven's other reports. */
    public static final Path SCREENSHOTS = Path.of("target/screenshots");

    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriverService service, ChromeDriver driver, Path profile) {
        this.service = service;
        this.driver = driver;
        this.profile = profile;
    }

    /** Starts headless Chromium with a fresh profile; skips the calling test when Chromium or chromedriver is not installed. */
    public static Browser start() {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "no Chromium at " + CHROMIUM + " (apt-get install chromium): browser test skipped");
        Assumptions.assumeTrue(Files.isExecutable(CHROMEDRIVER),
                "no chromedriver at " + CHROMEDRIVER + " (apt-get install chromium-driver): browser test skipped");
        // never let Selenium Manager look anything up: both paths are given, and it is told it is offline
        System.setProperty("SE_OFFLINE", "true");
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        Path profile;
        try {
            profile = Files.createTempDirectory("drydock-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-default-browser-check",
                "--disable-extensions", "--no-proxy-server", "--window-size=1366,1000", "--user-data-dir=" + profile.toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort().withSilent(true).build();
        ChromeDriver driver;
        try {
            driver = new ChromeDriver(service, options);
        } catch (RuntimeException e) {
            service.stop();
            deleteTree(profile);
            throw e;
        }
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        return new Browser(service, driver, profile);
    }

    public WebDriver driver() {
        return driver;
    }

    /**
     * Saves the whole page (not only the window) as {@code target/screenshots/<name>.png} and returns the file.
     * Falls back to the window when the full-page capture is not available.
     */
    public Path screenshot(String name) {
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("a screenshot name is letters, digits, '.', '_' and '-': " + name);
        }
        byte[] png;
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> size = (Map<String, Object>) driver.executeCdpCommand("Page.getLayoutMetrics", Map.of()).get("cssContentSize");
            double width = ((Number) size.get("width")).doubleValue();
            double height = Math.min(((Number) size.get("height")).doubleValue(), 16000);
            Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true,
                    "fromSurface", true, "clip", Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1)));
            png = Base64.getDecoder().decode((String) shot.get("data"));
        } catch (RuntimeException e) {
            png = driver.getScreenshotAs(OutputType.BYTES);
        }
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, png);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } catch (RuntimeException e) {
            // the browser is gone already
        } finally {
            service.stop();
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind
        }
    }
}
