package org.itgc.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium from Debian's packages ({@code chromium}, {@code chromium-driver}); {@code .ci/run} installs them.
 * Where they are missing, the browser test is skipped with a message saying so. Selenium Manager never downloads
 * anything: the driver and the browser binary are named explicitly.
 */
public final class Browser implements AutoCloseable {

  private static final List<String> DRIVERS = List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
  private static final List<String> BINARIES = List.of("/usr/lib/chromium/chromium", "/usr/bin/chromium");

  private final ChromeDriver driver;
  private final Path profile;

  private Browser(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  public static Browser start() throws IOException {
    String driverPath = DRIVERS.stream().filter(p -> new File(p).canExecute()).findFirst().orElse(null);
    String binary = BINARIES.stream().filter(p -> new File(p).canExecute()).findFirst().orElse(null);
    Assumptions.assumeTrue(driverPath != null && binary != null,
        "Skipped: Debian's chromium and chromium-driver are not installed (apt-get install -y chromium chromium-driver; "
            + ".ci/run does it)");
    Path profile = Files.createTempDirectory(Path.of("target"), "chromium-profile-");
    var service = new ChromeDriverService.Builder().usingDriverExecutable(new File(driverPath)).usingAnyFreePort().build();
    var options = new ChromeOptions();
    options.setBinary(binary);
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync",
        "--disable-quic", "--window-size=1400,1000", "--user-data-dir=" + profile.toAbsolutePath());
    return new Browser(new ChromeDriver(service, options), profile);
  }

  public ChromeDriver driver() {
    return driver;
  }

  @Override
  public void close() {
    driver.quit();
  }

  public Path profile() {
    return profile;
  }

  /** Logs into Tasklist as a demo user, password and then the code of their demo TOTP secret, and waits for the filters. */
  public void loginToTasklist(int port, String user, String password) {
    driver.get("http://localhost:" + port + "/camunda/app/tasklist/");
    var wait = new org.openqa.selenium.support.ui.WebDriverWait(driver, java.time.Duration.ofSeconds(30));
    wait.until(org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated(
        org.openqa.selenium.By.name("username"))).sendKeys(user);
    driver.findElement(org.openqa.selenium.By.name("password")).sendKeys(password);
    driver.findElement(org.openqa.selenium.By.cssSelector("button[type=submit]")).click();
    wait.until(org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated(org.openqa.selenium.By.id("code")))
        .sendKeys(Codes.next(user));
    driver.findElement(org.openqa.selenium.By.id("verify")).click();
    wait.until(org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated(
        org.openqa.selenium.By.tagName("body"), "My groups' tasks"));
  }

  /** Logs in on the engine's own login page, password and then the demo TOTP code, and waits for the home page. */
  public void login(int port, String user, String password) {
    driver.get("http://localhost:" + port + "/login");
    var wait = new org.openqa.selenium.support.ui.WebDriverWait(driver, java.time.Duration.ofSeconds(30));
    wait.until(org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated(
        org.openqa.selenium.By.id("username"))).sendKeys(user);
    driver.findElement(org.openqa.selenium.By.id("password")).sendKeys(password);
    driver.findElement(org.openqa.selenium.By.id("sign-in")).click();
    wait.until(org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated(org.openqa.selenium.By.id("code")))
        .sendKeys(Codes.next(user));
    driver.findElement(org.openqa.selenium.By.id("verify")).click();
    wait.until(org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated(
        org.openqa.selenium.By.id("my-tasks")));
  }

  /** Opens a page of the engine and waits for an element of it. */
  public void open(int port, String path, String elementId) {
    driver.get("http://localhost:" + port + path);
    new org.openqa.selenium.support.ui.WebDriverWait(driver, java.time.Duration.ofSeconds(30)).until(
        org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated(org.openqa.selenium.By.id(elementId)));
  }

  /** The visible text of the page. */
  public String text() {
    return driver.findElement(org.openqa.selenium.By.tagName("body")).getText();
  }

  /**
   * The page's accessibility faults that a machine can find: a form control without a label (label element, wrapping
   * label, aria-label or aria-labelledby), a table without header cells, an image without alt text, a page without a
   * title, a main landmark or a level-one heading. Empty when there are none.
   */
  @SuppressWarnings("unchecked")
  public List<String> accessibilityFaults() {
    return (List<String>) driver.executeScript("""
        const faults = [];
        document.querySelectorAll('input, select, textarea').forEach(c => {
          if (c.type === 'hidden' || c.type === 'submit' || c.type === 'button') return;
          const labelled = (c.id && document.querySelector('label[for="' + CSS.escape(c.id) + '"]'))
            || c.closest('label') || c.getAttribute('aria-label') || c.getAttribute('aria-labelledby');
          if (!labelled) faults.push('no label: ' + (c.id || c.name || c.outerHTML.substring(0, 80)));
        });
        document.querySelectorAll('table').forEach((t, i) => {
          if (!t.querySelector('th')) faults.push('table without header cells: #' + (t.id || i));
        });
        document.querySelectorAll('img').forEach(img => { if (!img.hasAttribute('alt')) faults.push('img without alt: ' + img.src); });
        if (!document.title) faults.push('no title');
        if (!document.querySelector('main')) faults.push('no main landmark');
        if (!document.querySelector('h1')) faults.push('no h1');
        if (!document.documentElement.lang) faults.push('no lang');
        document.querySelectorAll('button').forEach(b => {
          if (!b.textContent.trim() && !b.getAttribute('aria-label')) faults.push('button without a name');
        });
        return faults;
        """);
  }

  /** A screenshot under target/, for a person to look at after the run. */
  public void screenshot(String name) throws IOException {
    Files.copy(driver.getScreenshotAs(org.openqa.selenium.OutputType.FILE).toPath(), Path.of("target", name),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  /** Waits up to 20 seconds for a condition that the browser's action makes true on the server. */
  public static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("condition not met within 20 s");
      }
      Thread.sleep(200);
    }
  }
}
