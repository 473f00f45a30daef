package org.itgc.change;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
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
 * What users click: a requester starts a change from its Camunda Form in Tasklist; a CAB member opens the CAB review
 * form, is told which required fields are missing, fills them and completes it. Headless Chromium.
 */
@IntegrationTest
class ChangeFormsBrowserIT {

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;

  @Test
  void aRequesterStartsAChangeFromTheStartFormAndTheCabApprovesItInItsForm() throws Exception {
    String title = "Browser change " + UUID.randomUUID().toString().substring(0, 8);
    try (var browser = Browser.start()) {
      ChromeDriver driver = browser.driver();
      var wait = new WebDriverWait(driver, Duration.ofSeconds(30));
      browser.loginToTasklist(port, "rachel", Http.DEMO_PASSWORD);
      wait.until(ExpectedConditions.elementToBeClickable(By.partialLinkText("Start process"))).click();
      wait.until(ExpectedConditions.elementToBeClickable(By.partialLinkText("Change request"))).click();
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[id$='-Field_title']"))).sendKeys(title);
      driver.findElement(By.xpath("//input[contains(@id,'-Field_systemId')]/ancestor::div[contains(@class,'fjs-form-field')]"
          + "//div[contains(@class,'fjs-select-display')]")).click();
      wait.until(ExpectedConditions.elementToBeClickable(By.xpath(
          "//div[contains(@class,'fjs-dropdownlist-item') and normalize-space(.)='PAYROLL']"))).click();
      driver.findElement(By.cssSelector("label[for$='-Field_changeType-1']")).click();
      driver.findElement(By.cssSelector("[id$='-Field_description']")).sendKeys("Adjust the overtime rule");
      driver.findElement(By.cssSelector("[id$='-Field_justification']")).sendKeys("Union agreement from March");
      driver.findElement(By.cssSelector("[id$='-Field_implementationPlan']")).sendKeys("Deploy rule table");
      driver.findElement(By.cssSelector("[id$='-Field_rollbackPlan']")).sendKeys("Restore previous rule table");
      for (String[] field : new String[][] {{"plannedStart", "03/03/2027", "20:30"}, {"plannedEnd", "03/03/2027", "21:30"}}) {
        driver.findElement(By.cssSelector("[id$='-Field_" + field[0] + "-date']")).click();
        driver.findElement(By.cssSelector("[id$='-Field_" + field[0] + "-date']")).sendKeys(field[1], Keys.ENTER);
        driver.findElement(By.cssSelector("[id$='-Field_" + field[0] + "-time']")).click();
        driver.findElement(By.cssSelector("[id$='-Field_" + field[0] + "-time']")).sendKeys(field[2], Keys.ENTER);
        driver.findElement(By.xpath("//*[contains(text(),'Every field marked required')]")).click();
      }
      driver.findElement(By.cssSelector("[id$='-Field_testEvidence']")).sendKeys("Payroll parallel run passed");
      var start = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("button[ng-click='startProcessInstance()']")));
      start.click();
      Browser.waitFor(() -> count("select count(*) from change_request where title = ? and requester = 'rachel'", title) == 1);
      browser.screenshot("browser-change-started.png");
    }
    String id = jdbc.queryForObject("select id from change_request where title = ?", String.class, title);
    // the technical review through the API, as another user
    var tasks = Http.as(port, "sofia").get("/engine-rest/task?processInstanceBusinessKey=" + id).json();
    String reviewTask = tasks.get(0).get("id").asText();
    Http.as(port, "sofia").post("/engine-rest/task/" + reviewTask + "/claim", "{\"userId\":\"sofia\"}");
    assertThat(Http.as(port, "sofia").post("/engine-rest/task/" + reviewTask + "/complete", Http.json(Map.of(
        "variables", Map.of("decision", Map.of("value", "approve"), "comment", Map.of("value", "sound"))))).status())
        .isEqualTo(204);

    try (var browser = Browser.start()) {
      ChromeDriver driver = browser.driver();
      var wait = new WebDriverWait(driver, Duration.ofSeconds(30));
      browser.loginToTasklist(port, "carlos", Http.DEMO_PASSWORD);
      wait.until(ExpectedConditions.elementToBeClickable(By.partialLinkText("My groups' tasks"))).click();
      wait.until(ExpectedConditions.elementToBeClickable(By.xpath("//*[starts-with(normalize-space(text()),'CAB review: " + id + " ')]"))).click();
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), id + ": " + title));
      // what the server wrote for the form: who decided and when, the system by name, its windows, the rule
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "Technical review: approve by sofia, "));
      assertThat(driver.findElement(By.tagName("body")).getText()).contains("Payroll").contains("Why this criticality: Rule")
          .contains("Maintenance windows of the system:").containsPattern("approve by sofia, \\w{3} \\d{1,2} \\w{3} \\d{4}, "
              + "\\d{2}:\\d{2} E[SD]T").doesNotContain("CAB: ()");
      var claim = driver.findElements(By.xpath("//*[normalize-space(text())='Claim']"));
      if (!claim.isEmpty()) {
        claim.get(0).click();
      }
      By complete = By.cssSelector("button[ng-click='complete()']");
      // notifications (task claimed) may cover the button: click it as the page would
      driver.executeScript("arguments[0].click();", wait.until(ExpectedConditions.elementToBeClickable(complete)));
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "Field is required."));
      browser.screenshot("browser-cab-required-field.png");
      assertThat(count("select count(*) from change_approval where change_id = ? and step = 'cab'", id)).isZero();

      // the form is longer now (who decided when, the criticality rule): Tasklist's header may cover the label
      driver.executeScript("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();",
          driver.findElement(By.cssSelector("label[for$='-Field_decision-0']")));
      driver.findElement(By.cssSelector("[id$='-Field_comment']")).sendKeys("Low risk, window agreed", Keys.TAB);
      wait.until(ExpectedConditions.elementToBeClickable(complete));
      driver.executeScript("arguments[0].click();", driver.findElement(complete));
      Browser.waitFor(() -> count("select count(*) from change_approval where change_id = ? and step = 'cab' "
          + "and decided_by = 'carlos' and comment = 'Low risk, window agreed'", id) == 1);
    }
  }

  private int count(String sql, String argument) {
    Integer value = jdbc.queryForObject(sql, Integer.class, argument);
    return value == null ? 0 : value;
  }
}
