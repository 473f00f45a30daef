package org.itgc.portal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.itgc.support.Browser;
import org.itgc.support.ChangeRequests;
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
 * Each approver finds their task in Tasklist's own screens and completes it in its form, in headless Chromium: for a
 * change on a tier-1 system the technical reviewer, the CAB member, the IT and the finance approvers, the deployer and
 * the system owner's post-implementation review; for a privileged access request the line manager, the system owner
 * and the security admin, who then provisions it. Nobody clicks a filter: the task is in the list Tasklist opens with
 * (the role's default filter, newest first), under a name that carries the record's number. The server's records
 * show who decided what. Each filled form is saved as {@code target/browser-tasklist-<user>-<task>.png}.
 */
@IntegrationTest
class ApproversInTasklistBrowserIT {

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;

  @Test
  void everyApproverOfAChangeAndOfAPrivilegedAccessRequestCompletesTheirTaskInTasklist() throws Exception {
    String title = "Approvers' journey " + UUID.randomUUID().toString().substring(0, 8);
    Map<String, Object> body = new LinkedHashMap<>(ChangeRequests.body("normal", "ERP-GL", null,
        ChangeRequests.plannedSaturday(600)));
    body.put("title", title);
    var submitted = Http.as(port, "rachel").post("/api/changes", Http.json(body));
    assertThat(submitted.status()).as(submitted.toString()).isEqualTo(201);
    String change = submitted.json().get("id").asText();
    var requested = Http.as(port, "ryan").post("/api/access/requests", Http.json(Map.of(
        "entitlements", List.of("ERP-GL/GL_AUDIT_LOG_ADMIN"), "justification", "Audit log retention review " + title)));
    assertThat(requested.status()).as(requested.toString()).isEqualTo(201);
    String request = requested.json().get("id").asText();

    try (var lucas = signedIn("lucas")) {
      lucas.complete("Line manager approval: " + request + " ", Map.of("decision", "Approve"),
          Map.of("comment", "Ryan covers the audit log review this quarter"));
    }
    waitFor("select count(*) from access_approval where request_id = ? and approver = 'lucas' and decision = 'approved'",
        request);

    try (var sofia = signedIn("sofia")) {
      sofia.complete("Technical review: " + change + " ", Map.of("decision", "Approve"),
          Map.of("comment", "Design and rollback are sound"));
      sofia.complete("System owner approval: " + request + " ", Map.of("decision", "Approve"),
          Map.of("comment", "Needed for the retention review"));
    }
    waitFor("select count(*) from change_approval where change_id = ? and step = 'technical-review' "
        + "and decided_by = 'sofia' and decision = 'approve'", change);
    waitFor("select count(*) from access_approval where request_id = ? and approver = 'sofia' and decision = 'approved'",
        request);

    try (var sam = signedIn("sam")) {
      sam.complete("Security admin approval (privileged): " + request + " ", Map.of("decision", "Approve"),
          Map.of("comment", "Privileged, time-boxed by the quarter's certification"));
      sam.complete("Provision access: " + request + " ", Map.of("fulfilmentMethod", "In the system's administration console"),
          Map.of("fulfilmentReference", "ERP-GL security console ticket 8812"));
    }
    waitFor("select count(*) from access_approval where request_id = ? and approver = 'sam' and decision = 'approved'",
        request);
    waitFor("select count(*) from access_request where id = ? and status = 'granted'", request);

    try (var carlos = signedIn("carlos")) {
      carlos.complete("CAB review: " + change + " ", Map.of("decision", "Approve"), Map.of("comment", "Window agreed"));
    }
    try (var ivan = signedIn("ivan")) {
      ivan.complete("IT approval: " + change + " ", Map.of("decision", "Approve"), Map.of("comment", "Capacity checked"));
    }
    try (var fiona = signedIn("fiona")) {
      fiona.complete("Finance approval: " + change + " ", Map.of("decision", "Approve"),
          Map.of("comment", "Limits agreed with the controller"));
    }
    waitFor("select count(*) from change_approval where change_id = ? and decision = 'approve' and "
        + "decided_by in ('carlos', 'ivan', 'fiona')", change, 3);

    try (var dmitri = signedIn("dmitri")) {
      dmitri.complete("Implement change: " + change + " ", Map.of(), Map.of("deploymentReference", "pipeline run 6001",
          "implementationNotes", "Applied through the pipeline in the window"));
    }
    waitFor("select count(*) from change_request where id = ? and implemented_by = 'dmitri'", change);
    try (var sofia = signedIn("sofia")) {
      sofia.complete("Post-implementation review: " + change + " ", Map.of("reviewOutcome", "Succeeded"),
          Map.of("reviewComment", "Postings above the old limit go through"));
    }
    waitFor("select count(*) from change_request where id = ? and status = 'closed'", change);

    assertThat(jdbc.queryForList("select step || ':' || decided_by || ':' || decision from change_approval "
        + "where change_id = ? order by decided_at", String.class, change)).containsExactly(
        "technical-review:sofia:approve", "cab:carlos:approve", "it:ivan:approve", "finance:fiona:approve");
    assertThat(jdbc.queryForList("select approver from access_approval where request_id = ? order by decided_at",
        String.class, request)).containsExactly("lucas", "sofia", "sam");
  }

  /** One approver signed into Tasklist in their own browser. */
  private Approver signedIn(String user) throws Exception {
    var browser = Browser.start();
    try {
      browser.loginToTasklist(port, user, Http.DEMO_PASSWORD);
      return new Approver(user, browser);
    } catch (RuntimeException e) {
      browser.close();
      throw e;
    }
  }

  private final class Approver implements AutoCloseable {
    final String user;
    final Browser browser;
    final ChromeDriver driver;
    final WebDriverWait wait;

    Approver(String user, Browser browser) {
      this.user = user;
      this.browser = browser;
      this.driver = browser.driver();
      this.wait = new WebDriverWait(driver, Duration.ofSeconds(30));
    }

    /**
     * Finds the task by the start of its name in the list Tasklist shows, opens it, claims it when nobody has, chooses
     * the radio options by their labels, types the texts into their fields and completes the form.
     */
    void complete(String namePrefix, Map<String, String> choices, Map<String, String> texts) throws Exception {
      By task = By.xpath("//*[starts-with(normalize-space(text()),'" + namePrefix + "')]");
      // the list refreshes by itself after a completion; reload when the new task is not there yet
      for (int attempt = 0; driver.findElements(task).isEmpty(); attempt++) {
        if (attempt > 0) {
          driver.navigate().refresh();
        }
        try {
          new WebDriverWait(driver, Duration.ofSeconds(10)).until(ExpectedConditions.elementToBeClickable(task));
        } catch (org.openqa.selenium.TimeoutException e) {
          assertThat(attempt).as("%s finds a task named '%s...' in Tasklist", user, namePrefix).isLessThan(3);
        }
      }
      wait.until(ExpectedConditions.elementToBeClickable(task)).click();
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("form.fjs-form, .fjs-container")));
      var claim = driver.findElements(By.xpath("//*[normalize-space(text())='Claim']"));
      if (!claim.isEmpty() && claim.get(0).isDisplayed()) {
        claim.get(0).click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.xpath("//*[normalize-space(text())='Claim']")));
      }
      choices.forEach((field, label) -> {
        var option = wait.until(ExpectedConditions.presenceOfElementLocated(By.xpath("//label[contains(@for,'-Field_"
            + field + "-') and normalize-space(.)=\"" + label + "\"]")));
        // Tasklist's header may cover the option: bring it to the middle and click it as the page would
        driver.executeScript("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", option);
      });
      texts.forEach((field, text) -> {
        var input = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[id$='-Field_" + field + "']")));
        driver.executeScript("arguments[0].scrollIntoView({block: 'center'});", input);
        input.sendKeys(text, Keys.TAB);
      });
      // the filled form, for a person to look at: target/browser-tasklist-<user>-<task>.png
      browser.screenshot("browser-tasklist-" + user + "-" + namePrefix.replaceAll(":.*", "").toLowerCase()
          .replaceAll("[^a-z]+", "-").replaceAll("-$", "") + ".png");
      By complete = By.cssSelector("button[ng-click='complete()']");
      driver.executeScript("arguments[0].click();", wait.until(ExpectedConditions.elementToBeClickable(complete)));
      // completed: the form closes and the task leaves the list
      wait.until(ExpectedConditions.invisibilityOfElementLocated(complete));
      wait.until(ExpectedConditions.invisibilityOfElementLocated(task));
    }

    @Override
    public void close() {
      browser.close();
    }
  }

  private void waitFor(String sql, String id) throws InterruptedException {
    waitFor(sql, id, 1);
  }

  private void waitFor(String sql, String id, int expected) throws InterruptedException {
    try {
      Browser.waitFor(() -> {
        Integer count = jdbc.queryForObject(sql, Integer.class, id);
        return count != null && count == expected;
      });
    } catch (AssertionError e) {
      throw new AssertionError("not recorded for " + id + ": " + sql, e);
    }
  }
}
