package org.itgc.portal;

import static org.assertj.core.api.Assertions.assertThat;

import org.itgc.support.Browser;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The people's own pages in headless Chromium: the branded login, the home page by role, a clean logout. */
@IntegrationTest
class PortalBrowserIT {

  @LocalServerPort int port;

  @Test
  void aPersonSignsInOnTheEnginesOwnPageLandsOnTheirHomeAndSignsOutCleanly() throws Exception {
    try (var browser = Browser.start()) {
      var driver = browser.driver();
      driver.get("http://localhost:" + port + "/");
      var wait = new WebDriverWait(driver, java.time.Duration.ofSeconds(30));
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in")));
      assertThat(driver.getTitle()).isEqualTo("Sign in - ITGC Engine");
      browser.screenshot("portal-login.png");
      assertThat(browser.accessibilityFaults()).as("accessibility of portal-login.png").isEmpty();

      driver.findElement(By.id("username")).sendKeys("rachel");
      driver.findElement(By.id("password")).sendKeys("wrong password");
      driver.findElement(By.id("sign-in")).click();
      assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-error"))).getText())
          .isEqualTo("Invalid username, password or code.");

      browser.login(port, "rachel", Http.DEMO_PASSWORD);
      assertThat(driver.getCurrentUrl()).endsWith("/app");
      assertThat(browser.text()).contains("Welcome, Rachel Requester", "Your open tasks", "Your requests")
          .doesNotContain("Governance");
      browser.screenshot("portal-home-requester.png");
      assertThat(browser.accessibilityFaults()).as("accessibility of portal-home-requester.png").isEmpty();

      driver.findElement(By.id("logout")).click();
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("logged-out")));
      driver.get("http://localhost:" + port + "/app");
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in")));
    }
  }

  @Test
  void aGovernanceLeadsHomeLeadsToTheDashboardAndTheEvidence() throws Exception {
    try (var browser = Browser.start()) {
      browser.login(port, "grace", Http.DEMO_PASSWORD);
      assertThat(browser.text()).contains("Governance", "Control health dashboard", "Evidence browser");
      assertThat(browser.driver().findElements(By.id("nav-dashboard"))).hasSize(1);
    }
  }

  @Test
  void tasklistLinksBackToTheEnginesPagesAndItsSignOutEndsTheSessionOnTheEnginesSignInPage() throws Exception {
    try (var browser = Browser.start()) {
      var driver = browser.driver();
      var wait = new WebDriverWait(driver, java.time.Duration.ofSeconds(30));
      browser.loginToTasklist(port, "carlos", Http.DEMO_PASSWORD);
      var home = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("itgc-home")));
      assertThat(home.getAttribute("href")).endsWith("/app");
      assertThat(driver.findElement(By.id("itgc-requests")).getAttribute("href")).endsWith("/app/requests");
      browser.screenshot("portal-tasklist-links.png");
      driver.findElement(By.cssSelector("[cam-widget-header] a.dropdown-toggle .glyphicon-user")).click();
      wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("li.logout a"))).click();
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("logged-out")));
      assertThat(driver.getCurrentUrl()).endsWith("/login?logout");
      // the session is over: Tasklist asks for the login again
      driver.get("http://localhost:" + port + "/camunda/app/tasklist/");
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in")));
    }
  }
}
