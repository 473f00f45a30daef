package org.itgc.portal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.itgc.support.Browser;
import org.itgc.support.Codes;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.itgc.support.RoleApprovals;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Accounts on the engine's own pages: the security admin creates a login on her user screen (its roles an access
 * request), the new person enrols a second factor and must replace the initial password before anything else, then
 * changes it again on the account page, where a wrong current password is named beside its field. Camunda's Welcome
 * page leads home; the user screens are the security admin's alone.
 */
@IntegrationTest
class AccountsBrowserIT {

  static final String INITIAL = "Initial-Passw0rd-2026!";
  static final String CHOSEN = "Chosen-by-Nadia-2026!";

  @LocalServerPort int port;

  @Test
  void aLoginCreatedByTheSecurityAdminMustReplaceItsInitialPasswordAtTheFirstLogin() throws Exception {
    RoleApprovals.bind(port, "nadia", "Nadia New", "nadia@demo.itgc.local");
    try (var admin = Browser.start()) {
      var driver = admin.driver();
      var wait = new WebDriverWait(driver, Duration.ofSeconds(30));
      admin.login(port, "sam", Http.DEMO_PASSWORD);
      driver.findElement(By.id("nav-users")).click();
      wait.until(ExpectedConditions.elementToBeClickable(By.id("new-user"))).click();
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("user-form")));
      // a malformed login and no role: both named beside their fields, nothing created
      driver.findElement(By.id("username")).sendKeys("n");
      driver.findElement(By.id("create-user")).click();
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("error-summary")));
      assertThat(driver.findElement(By.id("username-error")).getText()).contains("2-64 letters");
      assertThat(driver.findElement(By.id("roles-error")).getText()).isNotBlank();
      assertThat(Http.as(port, "sam").get("/api/users/n").status()).isEqualTo(404);

      driver.findElement(By.id("username")).clear();
      driver.findElement(By.id("username")).sendKeys("nadia");
      driver.findElement(By.id("displayName")).sendKeys("Nadia New");
      driver.findElement(By.id("email")).sendKeys("nadia@demo.itgc.local");
      driver.findElement(By.id("password")).sendKeys(INITIAL);
      driver.findElement(By.id("role-auditor")).click();
      driver.findElement(By.id("create-user")).click();
      String created = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("user-created"))).getText();
      assertThat(created).contains("Created nadia", "must change at the first login", "pending approval");
      admin.screenshot("portal-users.png");
      assertThat(admin.accessibilityFaults()).as("accessibility of portal-users.png").isEmpty();
      String requestId = driver.findElement(By.cssSelector("#user-created a")).getText();
      RoleApprovals.approve(port, requestId);
      RoleApprovals.awaitRoles(port, "nadia", List.of("auditor"));
    }

    try (var person = Browser.start()) {
      var driver = person.driver();
      var wait = new WebDriverWait(driver, Duration.ofSeconds(30));
      driver.get("http://localhost:" + port + "/login");
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys("nadia");
      driver.findElement(By.id("password")).sendKeys(INITIAL);
      driver.findElement(By.id("sign-in")).click();
      String secret = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("secret"))).getText();
      driver.findElement(By.id("code")).sendKeys(Codes.next("nadia", secret));
      driver.findElement(By.id("confirm")).click();
      wait.until(ExpectedConditions.elementToBeClickable(By.id("continue"))).click();
      // the initial password is replaced before the person reaches anything
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("newPassword")));
      assertThat(driver.getCurrentUrl()).endsWith("/mfa/password");
      driver.get("http://localhost:" + port + "/app");
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("newPassword")));
      driver.findElement(By.id("currentPassword")).sendKeys(INITIAL);
      driver.findElement(By.id("newPassword")).sendKeys(CHOSEN);
      driver.findElement(By.id("change")).click();
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("my-tasks")));

      // the account page: a wrong current password is named beside its field
      person.open(port, "/app/account", "password-form");
      driver.findElement(By.id("currentPassword")).sendKeys("not my password");
      driver.findElement(By.id("newPassword")).sendKeys("Another-Choice-2026!");
      driver.findElement(By.id("confirmPassword")).sendKeys("Another-Choice-2026!");
      driver.findElement(By.id("change-password")).click();
      assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("currentPassword-error"))).getText())
          .isEqualTo("does not match");
      driver.findElement(By.id("currentPassword")).sendKeys(CHOSEN);
      driver.findElement(By.id("newPassword")).sendKeys("Another-Choice-2026!");
      driver.findElement(By.id("confirmPassword")).sendKeys("Another-Choice-2026!");
      driver.findElement(By.id("change-password")).click();
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("password-changed")));
      person.screenshot("portal-account.png");
      assertThat(person.accessibilityFaults()).as("accessibility of portal-account.png").isEmpty();
      assertThat(Http.as(port, "nadia", "Another-Choice-2026!").get("/api/me").status()).isEqualTo(200);
    }
  }

  @Test
  void camundasWelcomePageLeadsHomeAndTheUserScreensAreTheSecurityAdminsAlone() throws Exception {
    try (var browser = Browser.start()) {
      browser.login(port, "rachel", Http.DEMO_PASSWORD);
      browser.open(port, "/camunda/app/welcome/default/", "my-tasks");
      assertThat(browser.driver().getCurrentUrl()).endsWith("/app");
      assertThat(browser.driver().findElements(By.id("nav-users"))).isEmpty();
      browser.open(port, "/app/users", "error-page");
      assertThat(browser.driver().getTitle()).startsWith("403");
      browser.open(port, "/app/account", "password-form");
      assertThat(browser.text()).contains("rachel", "Rachel Requester", "authenticator app enrolled");
    }
  }
}
