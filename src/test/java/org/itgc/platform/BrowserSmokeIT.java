package org.itgc.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.itgc.support.Browser;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.web.server.LocalServerPort;

/** A demo user logs into Tasklist in headless Chromium and sees the task list with its filters. */
@IntegrationTest
class BrowserSmokeIT {

  @LocalServerPort int port;

  @Test
  void aDemoUserLogsIntoTasklistAndSeesTheirTaskList() throws Exception {
    try (var browser = Browser.start()) {
      var driver = browser.driver();
      driver.get("http://localhost:" + port + "/camunda/app/tasklist/");
      var wait = new WebDriverWait(driver, Duration.ofSeconds(30));
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.name("username"))).sendKeys("rachel");
      driver.findElement(By.name("password")).sendKeys(Http.DEMO_PASSWORD);
      driver.findElement(By.cssSelector("button[type=submit]")).click();
      // the second step: nothing is reachable before it
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("code")));
      driver.get("http://localhost:" + port + "/camunda/app/cockpit/");
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("code")));
      driver.findElement(By.id("code")).sendKeys(org.itgc.support.Codes.next("rachel"));
      driver.findElement(By.id("verify")).click();

      wait.until(ExpectedConditions.urlContains("/camunda/app/"));
      driver.get("http://localhost:" + port + "/camunda/app/tasklist/");
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "My groups' tasks"));
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "Rachel Requester"));
      File screenshot = ((org.openqa.selenium.TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
      Files.copy(screenshot.toPath(), Path.of("target", "browser-smoke-tasklist.png"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      assertThat(driver.getPageSource()).contains("My tasks");
    }
  }
}
