package org.itgc.portal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.itgc.support.Browser;
import org.itgc.support.ChangeRequests;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A requester's journey on the engine's own pages: a change refused with its errors beside their fields, then
 * submitted and answered with its number; an access request stopped by the segregation-of-duties check, whose page
 * names the rule and the entitlement that conflicts; both found again under "My requests".
 */
@IntegrationTest
class RequestsBrowserIT {

  @LocalServerPort int port;
  @org.springframework.beans.factory.annotation.Autowired org.springframework.jdbc.core.JdbcTemplate jdbc;

  @Test
  void aRequesterSubmitsAChangeSeesItsNumberAndFollowsItUnderMyRequests() throws Exception {
    try (var browser = Browser.start()) {
      var driver = browser.driver();
      var wait = new WebDriverWait(driver, Duration.ofSeconds(30));
      browser.login(port, "ryan", Http.DEMO_PASSWORD);
      driver.findElement(By.id("nav-requests")).click();
      wait.until(ExpectedConditions.elementToBeClickable(By.id("new-change"))).click();
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("change-form")));

      // nothing but a title: refused, each error beside its field, in plain words, nothing stored
      driver.findElement(By.id("title")).sendKeys("Raise posting limit from the portal");
      driver.findElement(By.id("submit-change")).click();
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("error-summary")));
      assertThat(driver.findElement(By.id("systemId-error")).getText()).isNotBlank();
      assertThat(browser.text()).doesNotContain("Exception", "org.itgc");
      assertThat(driver.findElement(By.id("title")).getAttribute("value")).isEqualTo("Raise posting limit from the portal");
      browser.screenshot("portal-change-form-errors.png");
      assertThat(browser.accessibilityFaults()).as("accessibility of portal-change-form-errors.png").isEmpty();

      var saturday = ChangeRequests.plannedSaturday(301);
      new Select(driver.findElement(By.id("systemId"))).selectByValue("ERP-GL");
      new Select(driver.findElement(By.id("changeType"))).selectByValue("normal");
      driver.findElement(By.id("description")).sendKeys("Change the journal posting limit parameter");
      driver.findElement(By.id("justification")).sendKeys("Finance asked for higher limits at quarter end");
      driver.findElement(By.id("touchesFinancialData")).click();
      driver.findElement(By.id("implementationPlan")).sendKeys("Apply configuration through the pipeline");
      driver.findElement(By.id("hasTestedRollback")).click();
      driver.findElement(By.id("rollbackPlan")).sendKeys("Re-apply the previous configuration");
      driver.executeScript("document.getElementById('plannedStart').value = arguments[0];"
          + "document.getElementById('plannedEnd').value = arguments[1];", saturday + "T22:30", saturday + "T23:30");
      driver.findElement(By.id("testEvidence")).sendKeys("Regression suite run 4711 passed in QA");
      driver.findElement(By.id("submit-change")).click();

      String banner = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("submitted"))).getText();
      String id = driver.findElement(By.id("change-id")).getText();
      assertThat(id).matches("CHG-\\d{4}-\\d{6}");
      assertThat(banner).isEqualTo("Your change was submitted as " + id + ".");
      assertThat(driver.findElement(By.id("system")).getText()).contains("ERP-GL", "tier1");
      assertThat(driver.findElement(By.id("criticality-rule")).getText()).isNotBlank();
      assertThat(driver.findElement(By.id("timeline")).getText()).contains("Requested", "ryan", "Criticality assessed");
      assertThat(driver.findElement(By.id("waiting-for")).getText()).isNotBlank();
      browser.screenshot("portal-change.png");
      assertThat(browser.accessibilityFaults()).as("accessibility of portal-change.png").isEmpty();

      driver.findElement(By.id("nav-requests")).click();
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("changes")));
      assertThat(driver.findElement(By.id("changes")).getText()).contains(id, "Raise posting limit from the portal");
    }
  }

  @Test
  void anAccessRequestWithoutEntitlementsIsRefusedBesideTheFieldAndOneStoppedBySegregationOfDutiesNamesTheRule() throws Exception {
    try (var browser = Browser.start()) {
      var driver = browser.driver();
      var wait = new WebDriverWait(driver, Duration.ofSeconds(30));
      browser.login(port, "rachel", Http.DEMO_PASSWORD);
      browser.open(port, "/app/requests/access/new", "access-form");
      assertThat(driver.findElement(By.id("beneficiaryId")).getAttribute("value")).isEqualTo("E1001");
      // nothing asked for: refused beside the field, in words
      driver.findElement(By.id("submit-access")).click();
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("error-summary")));
      assertThat(driver.findElement(By.id("entitlements-error")).getText()).isNotBlank();
      assertThat(browser.text()).doesNotContain("Exception", "org.itgc");
      // rachel enters invoices (AP_CLERK); approving payments too is SOD-03
      driver.findElement(By.id("ent-AP-PAY/AP_PAYMENT_APPROVER")).click();
      driver.findElement(By.id("justification")).sendKeys("Cover for the payment approver during holidays");
      driver.findElement(By.id("submit-access")).click();

      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("submitted")));
      String id = driver.findElement(By.id("request-id")).getText();
      assertThat(driver.findElement(By.id("outcome")).getText())
          .contains("Rejected by the segregation-of-duties check", "SOD-03", "AP-PAY/AP_PAYMENT_APPROVER");
      assertThat(driver.findElement(By.id("sod")).getText()).contains("SOD-03", "high");
      browser.screenshot("portal-access-request-sod.png");
      assertThat(browser.accessibilityFaults()).as("accessibility of portal-access-request-sod.png").isEmpty();

      browser.open(port, "/app/requests", "access");
      assertThat(driver.findElement(By.id("access")).getText()).contains(id, "rejected-sod");
    }
  }

  @Test
  void nobodyReadsAnotherPersonsChangeThroughThePagesAndTheRefusalIsAPageNotAStackTrace() throws Exception {
    var created = Http.as(port, "rachel").post("/api/changes",
        Http.json(ChangeRequests.body("normal", "ERP-GL", null, ChangeRequests.plannedSaturday(302))));
    assertThat(created.status()).isEqualTo(201);
    String id = created.json().get("id").asText();
    try (var browser = Browser.start()) {
      browser.login(port, "ryan", Http.DEMO_PASSWORD);
      browser.open(port, "/app/requests/changes/" + id, "error-page");
      assertThat(browser.driver().getTitle()).startsWith("403");
      assertThat(browser.text()).contains("Only the requester and the change-control roles may read " + id)
          .doesNotContain("Raise posting limit", "Exception");
      // the refusal is audited as on the API
      assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'access.denied' and object_id = ?",
          Integer.class, "/app/requests/changes/" + id)).isEqualTo(1);
      browser.open(port, "/app/requests/changes/CHG-1999-000001", "error-page");
      assertThat(browser.driver().getTitle()).startsWith("404");
      browser.open(port, "/app/no-such-page", "error-page");
      assertThat(browser.text()).contains("There is nothing at this address.").doesNotContain("Whitelabel");
    }
  }

  // ---------------------------------------------------------------- following a change to its outcome

  private String taskOf(String user, String changeId, String taskKey) {
    var tasks = Http.as(port, user).get("/engine-rest/task?processInstanceBusinessKey=" + changeId
        + "&taskDefinitionKey=" + taskKey).json();
    assertThat(tasks.size()).as("%s sees %s of %s", user, taskKey, changeId).isEqualTo(1);
    return tasks.get(0).get("id").asText();
  }

  /** An approver's decision as Tasklist sends it: claim, then complete with the form's fields. */
  private void complete(String user, String changeId, String taskKey, java.util.Map<String, Object> fields) {
    var http = Http.as(port, user);
    String task = taskOf(user, changeId, taskKey);
    assertThat(http.post("/engine-rest/task/" + task + "/claim", Http.json(java.util.Map.of("userId", user))).status())
        .isEqualTo(204);
    var typed = new java.util.HashMap<String, Object>();
    fields.forEach((k, v) -> typed.put(k, java.util.Map.of("value", v)));
    var done = http.post("/engine-rest/task/" + task + "/complete", Http.json(java.util.Map.of("variables", typed)));
    assertThat(done.status()).as(done.toString()).isEqualTo(204);
  }

  @Test
  void aRequesterFollowsHerChangeThroughEveryDecisionToItsCloseAndAnotherToItsRejection() throws Exception {
    var rachel = Http.as(port, "rachel");
    String closed = rachel.post("/api/changes", Http.json(ChangeRequests.body("normal", "ERP-GL", null,
        ChangeRequests.plannedSaturday(303)))).json().get("id").asText();
    complete("sofia", closed, org.itgc.change.ChangeProcess.Elements.TECHNICAL_REVIEW,
        java.util.Map.of("decision", "approve", "comment", "design is sound"));
    complete("carlos", closed, org.itgc.change.ChangeProcess.Elements.CAB_REVIEW,
        java.util.Map.of("decision", "approve", "comment", "window agreed"));
    complete("ivan", closed, org.itgc.change.ChangeProcess.Elements.IT_APPROVAL,
        java.util.Map.of("decision", "approve", "comment", "ok"));
    complete("fiona", closed, org.itgc.change.ChangeProcess.Elements.FINANCE_APPROVAL,
        java.util.Map.of("decision", "approve", "comment", "limits agreed with the controller"));
    complete("dmitri", closed, org.itgc.change.ChangeProcess.Elements.IMPLEMENT,
        java.util.Map.of("deploymentReference", "pipeline run 99", "implementationNotes", "applied"));
    complete("sofia", closed, org.itgc.change.ChangeProcess.Elements.POST_IMPLEMENTATION_REVIEW,
        java.util.Map.of("reviewOutcome", "success", "reviewComment", "limits work"));

    String rejected = rachel.post("/api/changes", Http.json(ChangeRequests.body("normal", "ERP-GL", null,
        ChangeRequests.plannedSaturday(304)))).json().get("id").asText();
    complete("sofia", rejected, org.itgc.change.ChangeProcess.Elements.TECHNICAL_REVIEW,
        java.util.Map.of("decision", "approve", "comment", "fine"));
    complete("carlos", rejected, org.itgc.change.ChangeProcess.Elements.CAB_REVIEW,
        java.util.Map.of("decision", "reject", "comment", "collides with the quarter-end close"));

    try (var browser = Browser.start()) {
      var driver = browser.driver();
      browser.login(port, "rachel", Http.DEMO_PASSWORD);
      browser.open(port, "/app/requests/changes/" + closed, "outcome");
      assertThat(driver.findElement(By.id("outcome")).getText()).contains("Closed", "review: success", "limits work");
      String timeline = driver.findElement(By.id("timeline")).getText();
      assertThat(timeline).contains("Technical review: approve", "sofia", "design is sound", "CAB approval: approve",
          "carlos", "IT approval: approve", "ivan", "Finance approval: approve", "fiona", "Implemented", "dmitri");
      assertThat(timeline.indexOf("CAB approval")).isLessThan(timeline.indexOf("Implemented"));
      assertThat(timeline).contains("Post-implementation review").doesNotContain("CAB review:");
      assertThat(driver.findElements(By.id("waiting-for"))).isEmpty();
      browser.screenshot("portal-change-closed.png");

      browser.open(port, "/app/requests/changes/" + rejected, "outcome");
      assertThat(driver.findElement(By.id("outcome")).getText())
          .isEqualTo("Rejected - CAB approval by carlos: collides with the quarter-end close");
      browser.open(port, "/app/requests", "changes");
      assertThat(driver.findElement(By.id("changes")).getText()).contains(closed, "closed", rejected, "rejected");
    }
  }
}
