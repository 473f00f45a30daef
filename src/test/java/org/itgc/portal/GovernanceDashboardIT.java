package org.itgc.portal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.itgc.support.Browser;
import org.itgc.support.ChangeRequests;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.itgc.support.WebSession;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The governance dashboard (issue #15): only governance leads and auditors open it; a lead reads it and follows a
 * figure to the population it counts.
 */
@IntegrationTest
class GovernanceDashboardIT {

  @LocalServerPort int port;

  @Test
  void aRequesterMayNotOpenTheDashboardNorItsLists() {
    var rachel = WebSession.signedIn(port, "rachel");
    for (String path : new String[] {"/app/dashboard", "/app/dashboard/lists/population?key=CM-02",
        "/app/dashboard/lists/removals/export?format=csv"}) {
      var page = rachel.get(path);
      assertThat(page.status()).as(path).isEqualTo(403);
      assertThat(page.body()).as(path).contains("You may not open this page").doesNotContain("Population of");
    }
    var grace = WebSession.signedIn(port, "grace");
    assertThat(grace.get("/app/dashboard").status()).isEqualTo(200);
    var csv = grace.get("/app/dashboard/lists/population/export?key=CM-02&format=csv");
    assertThat(csv.status()).isEqualTo(200);
    assertThat(csv.contentType()).startsWith("text/csv");
    assertThat(csv.body()).startsWith("item_id,audit_object_id");
    var xlsx = grace.get("/app/dashboard/lists/population/export?key=CM-02&format=xlsx");
    assertThat(xlsx.status()).isEqualTo(200);
    assertThat(xlsx.contentType()).startsWith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assertThat(xlsx.body()).startsWith("PK");
    assertThat(grace.get("/app/dashboard?from=2026-12-01&to=2026-11-01").status()).isEqualTo(400);
    assertThat(grace.get("/app/dashboard?from=yesterday").body()).contains("is not a date");
  }

  @Test
  void aGovernanceLeadReadsTheDashboardAndFollowsAFigureToItsPopulation() throws Exception {
    String change = submitChange(60);
    try (var browser = Browser.start()) {
      browser.login(port, "grace", Http.DEMO_PASSWORD);
      browser.driver().findElement(By.id("nav-dashboard")).click();
      new WebDriverWait(browser.driver(), Duration.ofSeconds(30))
          .until(ExpectedConditions.visibilityOfElementLocated(By.id("controls")));
      assertThat(browser.text()).contains("Control health dashboard", "CM-02", "AC-02", "Access removals against their SLA",
          "Approvals waiting", "Certification campaigns", "DR and restore tests", "Model changes waiting",
          "Audit trail (LG-01)", "Chain head");
      var figure = browser.driver().findElement(By.id("population-CM-02"));
      long shown = Long.parseLong(figure.getText().trim());
      assertThat(shown).isPositive();
      browser.screenshot("governance-dashboard.png");
      // usable at a laptop's width: nothing pushes the page wider than the window
      browser.driver().manage().window().setSize(new org.openqa.selenium.Dimension(1024, 768));
      Object overflow = browser.driver().executeScript(
          "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
      assertThat(((Number) overflow).longValue()).as("horizontal overflow at 1024 px").isLessThanOrEqualTo(0);
      browser.screenshot("governance-dashboard-1024.png");
      // the change waits for its approvals: the ages chart is drawn (uPlot) from the open tasks the list shows
      var chart = new WebDriverWait(browser.driver(), Duration.ofSeconds(30)).until(
          ExpectedConditions.presenceOfElementLocated(By.cssSelector("#approvals-chart .uplot canvas")));
      long open = Long.parseLong(browser.driver().findElement(By.id("open-approvals")).getText().split(" ")[0]);
      assertThat(open).isPositive();
      browser.driver().executeScript("arguments[0].scrollIntoView()", chart);
      browser.screenshot("governance-dashboard-charts.png");
      browser.driver().findElement(By.id("open-approvals")).click();
      new WebDriverWait(browser.driver(), Duration.ofSeconds(30))
          .until(ExpectedConditions.visibilityOfElementLocated(By.id("rows")));
      assertThat(browser.driver().findElement(By.cssSelector("#rows caption")).getText())
          .isEqualTo("Open approvals: " + open + " rows");
      browser.driver().navigate().back();
      new WebDriverWait(browser.driver(), Duration.ofSeconds(30))
          .until(ExpectedConditions.visibilityOfElementLocated(By.id("population-CM-02")));
      figure = browser.driver().findElement(By.id("population-CM-02"));

      figure.click();
      new WebDriverWait(browser.driver(), Duration.ofSeconds(30))
          .until(ExpectedConditions.visibilityOfElementLocated(By.id("rows")));
      assertThat(browser.driver().findElement(By.id("list-title")).getText()).isEqualTo("Population of CM-02");
      assertThat(browser.driver().findElement(By.cssSelector("#rows caption")).getText())
          .isEqualTo("Population of CM-02: " + shown + " rows");
      // the list is a page of 50, newest first within the control's order; the new change is in its population
      browser.open(port, "/app/dashboard/lists/population?key=CM-02&q=" + change, "rows");
      assertThat(browser.driver().findElement(By.id("rows")).getText()).contains(change);
      assertThat(browser.driver().findElements(By.linkText(change))).hasSize(1);
    }
  }

  private String submitChange(int saturday) {
    var submitted = Http.as(port, "rachel").post("/api/changes", Http.json(ChangeRequests.body("normal", "ERP-GL", null,
        ChangeRequests.plannedSaturday(saturday))));
    assertThat(submitted.status()).as(submitted.toString()).isEqualTo(201);
    return submitted.json().get("id").asText();
  }
}
