package org.itgc.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;
import org.itgc.support.Browser;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What users click: a requester asks for access from the start form in Tasklist; her line manager opens the approval
 * form, rejects without saying why and is told by the server that the comment is required, then rejects with a
 * reason. Headless Chromium.
 */
@IntegrationTest
class AccessFormsBrowserIT {

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;

  @Test
  void aRequesterAsksForAccessInHerFormAndTheLineManagerMustSayWhyHeRejects() throws Exception {
    String justification = "Payroll cover " + UUID.randomUUID().toString().substring(0, 8);
    try (var browser = Browser.start()) {
      ChromeDriver driver = browser.driver();
      var wait = new WebDriverWait(driver, Duration.ofSeconds(30));
      browser.loginToTasklist(port, "rachel", Http.DEMO_PASSWORD);
      wait.until(ExpectedConditions.elementToBeClickable(By.partialLinkText("Start process"))).click();
      wait.until(ExpectedConditions.elementToBeClickable(By.partialLinkText("Access request"))).click();
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[id$='-Field_justification']")));
      // the entitlement list is searchable: type part of the name, then pick the option
      var search = driver.findElement(By.xpath("//input[contains(@id,'-Field_entitlement1')]/ancestor::div[contains(@class,'fjs-form-field')]//input[not(@type='hidden')]"));
      search.click();
      search.sendKeys("PAYROLL_OPERATOR");
      var option = wait.until(ExpectedConditions.presenceOfElementLocated(By.xpath(
          "//div[contains(@class,'fjs-dropdownlist-item') and contains(normalize-space(.),'(PAYROLL_OPERATOR)')]")));
      driver.executeScript("arguments[0].scrollIntoView({block: 'center'});", option);
      new org.openqa.selenium.interactions.Actions(driver).moveToElement(option).click().perform();
      driver.findElement(By.cssSelector("[id$='-Field_justification']")).sendKeys(justification);
      var start = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("button[ng-click='startProcessInstance()']")));
      start.click();
      Browser.waitFor(() -> count("select count(*) from access_request where justification = ? and requester = 'rachel' "
          + "and status = 'open'", justification) == 1);
      browser.screenshot("browser-access-requested.png");
    }
    String id = jdbc.queryForObject("select id from access_request where justification = ?", String.class, justification);
    assertThat(jdbc.queryForObject("select items::text from access_request where id = ?", String.class, id))
        .contains("PAYROLL_OPERATOR");

    try (var browser = Browser.start()) {
      ChromeDriver driver = browser.driver();
      var wait = new WebDriverWait(driver, Duration.ofSeconds(30));
      browser.loginToTasklist(port, "lucas", Http.DEMO_PASSWORD);
      wait.until(ExpectedConditions.elementToBeClickable(By.partialLinkText("My tasks"))).click();
      wait.until(ExpectedConditions.elementToBeClickable(By.xpath("//*[starts-with(normalize-space(text()),'Line manager approval: " + id + " ')]"))).click();
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), justification));
      driver.findElement(By.cssSelector("label[for$='-Field_decision-1']")).click();
      By complete = By.cssSelector("button[ng-click='complete()']");
      driver.executeScript("arguments[0].click();", wait.until(ExpectedConditions.elementToBeClickable(complete)));
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "is required when rejecting"));
      browser.screenshot("browser-access-reject-needs-reason.png");
      assertThat(count("select count(*) from access_approval where request_id = ?", id)).isZero();

      driver.findElement(By.cssSelector("[id$='-Field_comment']")).sendKeys("Payroll is not part of her job", Keys.TAB);
      driver.executeScript("arguments[0].click();", wait.until(ExpectedConditions.elementToBeClickable(complete)));
      Browser.waitFor(() -> count("select count(*) from access_request where id = ? and status = 'rejected'", id) == 1);
    }
    assertThat(jdbc.queryForObject("select approver || ':' || decision || ':' || comment from access_approval where request_id = ?",
        String.class, id)).isEqualTo("lucas:rejected:Payroll is not part of her job");
  }

  private int count(String sql, String argument) {
    Integer value = jdbc.queryForObject(sql, Integer.class, argument);
    return value == null ? 0 : value;
  }
}
