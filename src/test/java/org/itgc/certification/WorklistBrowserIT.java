package org.itgc.certification;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.itgc.support.Browser;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What a reviewer clicks: from the link of the review task, the worklist page shows lucas his items only; he filters,
 * selects all shown and certifies them in one go; a revoke without a reason is refused with the server's message.
 * An SoD-flagged item of his (a report of his given conflicting access by the baseline import and found by an SoD
 * scan, so that the rule is exercised whatever else the shared database holds) is refused without a justification,
 * the reason shown beside the item, and certified with one. Headless Chromium.
 */
@IntegrationTest
class WorklistBrowserIT {

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;

  /**
   * A report of lucas's (manager E1003) holding AP-PAY's invoice entry and payment approval (an SoD conflict) and
   * BI-REPORTING's report viewer, imported as HR and baseline data; an SoD scan opens the finding that flags each of
   * the person's items in a campaign. Line managers review their reports' items that are not privileged.
   */
  static final String CONFLICTED = "WL-SOD";

  void giveAReportOfLucasAnSodConflict() throws InterruptedException {
    var sam = Http.as(port, "sam");
    var hired = sam.post("/api/access/identities/import", "text/csv", ("employeeId,name,email,managerId,department,"
        + "job,status,hireDate,terminationDate,userName\n" + CONFLICTED + ",Wanda Worklist,"
        + "wanda.worklist@demo.itgc.local,E1003,Finance Operations,Accounts Payable Clerk,active,2024-01-02,,\n")
        .getBytes(StandardCharsets.UTF_8));
    assertThat(hired.status()).as(hired.toString()).isEqualTo(200);
    if (jdbc.queryForObject("select count(*) from access_grant where identity_id = ? and removed_at is null",
        Integer.class, CONFLICTED) == 0) {
      var baseline = sam.post("/api/access/grants/import", "text/csv", ("employeeId,systemId,entitlementId,grantedAt\n"
          + CONFLICTED + ",AP-PAY,AP_CLERK,2024-01-02\n" + CONFLICTED + ",AP-PAY,AP_PAYMENT_APPROVER,2024-01-02\n"
          + CONFLICTED + ",BI-REPORTING,BI_VIEWER,2024-01-02\n").getBytes(StandardCharsets.UTF_8));
      assertThat(baseline.status()).as(baseline.toString()).isEqualTo(200);
      assertThat(baseline.json().get("errors")).as(baseline.toString()).isEmpty();
    }
    // a scan already running (409) may predate the grants: scan again until the finding is open
    Browser.waitFor(() -> {
      if (jdbc.queryForObject("select count(*) from sod_finding where identity_id = ? and resolved_at is null",
          Integer.class, CONFLICTED) > 0) {
        return true;
      }
      var scanned = sam.post("/api/access/sod/scans", "{}");
      assertThat(scanned.status()).as(scanned.toString()).isIn(201, 409);
      return false;
    });
  }

  @Test
  void aReviewerCertifiesHisItemsInBulkFromTheWorklistPage() throws Exception {
    giveAReportOfLucasAnSodConflict();
    var started = Http.as(port, "grace").post("/api/certifications", Http.json(Map.of("name", "BI review",
        "systems", List.of("BI-REPORTING"))));
    assertThat(started.status()).as(started.toString()).isEqualTo(202);
    String id = started.json().get("id").asText();
    Browser.waitFor(() -> "open".equals(jdbc.queryForObject("select status from cert_campaign where id = ?", String.class, id)));
    int mine = jdbc.queryForObject("select count(*) from cert_item where campaign_id = ? and reviewer = 'lucas'", Integer.class, id);
    assertThat(mine).isPositive();
    String url = jdbc.queryForObject("select text_ from act_ru_variable where proc_inst_id_ = (select process_instance_id "
        + "from cert_campaign where id = ?) and name_ = 'worklistUrl'", String.class, id);
    // relative: the link works on whatever host serves Tasklist, not only on itgc.base-url
    assertThat(url).isEqualTo("/certification/worklist.html?campaign=" + id);
    String instance = jdbc.queryForObject("select process_instance_id from cert_campaign where id = ?", String.class, id);
    // the task counts lucas's own items, not the campaign's
    int all = jdbc.queryForObject("select count(*) from cert_item where campaign_id = ?", Integer.class, id);
    String summary = jdbc.queryForObject("select v.text_ from act_ru_variable v join act_ru_task t on t.id_ = v.task_id_ "
        + "where t.proc_inst_id_ = ? and t.assignee_ = 'lucas' and v.name_ = 'reviewSummary'", String.class, instance);
    assertThat(summary).contains("you review " + mine + " item").contains(id);
    if (all != mine) {
      assertThat(summary).doesNotContain(" " + all + " item");
    }
    // what the worklist shows of each item: the entitlement's name, the holder's job, the last use
    String job = jdbc.queryForObject("select max(a.job) from cert_item c join access_identity a on a.id = c.identity_id "
        + "where c.campaign_id = ? and c.reviewer = 'lucas'", String.class, id);
    // the SoD-flagged item the test arranged is lucas's to review
    long flagged = jdbc.queryForObject("select id from cert_item where campaign_id = ? and identity_id = ?",
        Long.class, id, CONFLICTED);
    assertThat(jdbc.queryForObject("select reviewer from cert_item where id = ?", String.class, flagged))
        .isEqualTo("lucas");
    assertThat(jdbc.queryForObject("select flags::text from cert_item where id = ?", String.class, flagged))
        .contains("sod-conflict");

    try (var browser = Browser.start()) {
      ChromeDriver driver = browser.driver();
      var wait = new WebDriverWait(driver, Duration.ofSeconds(30));
      browser.loginToTasklist(port, "lucas", Http.DEMO_PASSWORD);
      // from the review task's form in Tasklist, by its relative link, on this test's host and port
      // his own review task: the campaign's other reviewers' tasks are in his groups' list too, under the same name
      wait.until(ExpectedConditions.elementToBeClickable(By.xpath("//li[.//*[normalize-space(text())='Lucas Manager']]"
          + "//*[starts-with(normalize-space(text()),'Review access: " + id + " ')]"))).click();
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "you review " + mine + " item"));
      var link = wait.until(ExpectedConditions.elementToBeClickable(By.linkText("Open my worklist")));
      assertThat(link.getDomAttribute("href")).isEqualTo("/certification/worklist.html?campaign=" + id);
      driver.get(link.getDomProperty("href"));
      assertThat(driver.getCurrentUrl()).isEqualTo("http://localhost:" + port + "/certification/worklist.html?campaign=" + id);
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("counts"), "0 of " + mine + " decided"));
      assertThat(driver.findElements(By.cssSelector("#items tr"))).hasSize(mine);
      assertThat(driver.findElement(By.cssSelector("#items td.entitlement")).getText()).matches(".+ \\(BI_[A-Z]+\\)");
      assertThat(driver.findElements(By.cssSelector("#items td.last-used"))).allSatisfy(td ->
          assertThat(td.getText()).matches("\\d{4}-\\d{2}-\\d{2}|never|not reported"));
      if (job != null) {
        assertThat(driver.findElement(By.id("items")).getText()).contains(job);
      }
      driver.findElement(By.id("filter-system")).sendKeys("BI-REPORTING");
      driver.findElement(By.id("apply-filters")).click();
      wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#items tr"), mine));

      driver.findElement(By.id("select-page")).click();
      driver.findElement(By.id("revoke-selected")).click();
      wait.until(ExpectedConditions.alertIsPresent()).accept();
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "reason: is required to revoke"));
      assertThat(jdbc.queryForObject("select count(decision) from cert_item where campaign_id = ?", Integer.class, id)).isZero();

      // a bulk decision asks first: cancelled, nothing is decided
      driver.findElement(By.id("certify-selected")).click();
      var question = wait.until(ExpectedConditions.alertIsPresent());
      assertThat(question.getText()).isEqualTo("Certify " + mine + " selected item(s)?");
      question.dismiss();
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "Nothing decided."));
      assertThat(jdbc.queryForObject("select count(decision) from cert_item where campaign_id = ?", Integer.class, id)).isZero();

      // the SoD-flagged item alone: certifying it without a justification is refused, the reason beside the item
      driver.findElements(By.cssSelector(".select-item:checked")).forEach(box -> box.click());
      By row = By.cssSelector("#items tr[data-item='" + flagged + "']");
      driver.findElement(row).findElement(By.cssSelector(".select-item")).click();
      driver.findElement(By.id("certify-selected")).click();
      var one = wait.until(ExpectedConditions.alertIsPresent());
      assertThat(one.getText()).isEqualTo("Certify 1 selected item(s)?");
      one.accept();
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"),
          "reason: is required to certify SoD-flagged or privileged access (item(s) " + flagged + ")"));
      var refusal = wait.until(ExpectedConditions.visibilityOfElementLocated(
          By.cssSelector("#items tr[data-item='" + flagged + "'] .refusal")));
      assertThat(refusal.getText()).isEqualTo("Not certified: a reason is required to certify SoD-flagged or "
          + "privileged access: say why the access stays");
      assertThat(refusal.getDomAttribute("role")).isEqualTo("alert");
      assertThat(driver.findElements(By.cssSelector("#items .refusal"))).as("only beside the refused item").hasSize(1);
      assertThat(jdbc.queryForObject("select count(decision) from cert_item where campaign_id = ?", Integer.class, id))
          .isZero();
      browser.screenshot("worklist-justification.png");

      // with a justification it is certified, and the refusal is gone
      driver.findElement(By.id("revoke-reason")).sendKeys("Conflict mitigated by the AP-PAY exception, reviewed with finance");
      driver.findElement(By.id("certify-selected")).click();
      wait.until(ExpectedConditions.alertIsPresent()).accept();
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "1 item(s): certify"));
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("counts"), "1 of " + mine + " decided"));
      assertThat(driver.findElements(By.cssSelector("#items .refusal"))).isEmpty();
      assertThat(jdbc.queryForObject("select decision || ': ' || decision_reason from cert_item where id = ?",
          String.class, flagged)).isEqualTo("certify: Conflict mitigated by the AP-PAY exception, reviewed with finance");

      // the rest in bulk: asks first, then certifies every undecided item shown (the justification still given)
      wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#items tr"), mine - 1));
      driver.findElement(By.id("select-page")).click();
      driver.findElement(By.id("certify-selected")).click();
      var bulk = wait.until(ExpectedConditions.alertIsPresent());
      assertThat(bulk.getText()).isEqualTo("Certify " + (mine - 1) + " selected item(s)?");
      bulk.accept();
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), (mine - 1) + " item(s): certify"));
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("counts"), mine + " of " + mine + " decided"));
      browser.screenshot("browser-worklist-certified.png");
    }
    assertThat(jdbc.queryForObject("select count(*) from cert_item where campaign_id = ? and reviewer = 'lucas' "
        + "and decision = 'certify' and decided_by = 'lucas'", Integer.class, id)).isEqualTo(mine);
    assertThat(jdbc.queryForObject("select count(decision) from cert_item where campaign_id = ? and reviewer <> 'lucas'",
        Integer.class, id)).isZero();
  }
}
