package org.itgc.portal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * The evidence browser (issue #15): only auditors and governance leads open it; an auditor finds a change, reads its
 * evidence (reads folded away), creates its pack with her own seed and downloads it and a list's CSV.
 */
@IntegrationTest
class EvidenceBrowserIT {

  @LocalServerPort int port;

  @Test
  void aRequesterMayNotOpenTheEvidence() {
    var rachel = WebSession.signedIn(port, "rachel");
    for (String path : new String[] {"/app/evidence", "/app/evidence/export?kind=changes",
        "/app/evidence/changes/CHG-2026-000001", "/app/evidence/records?id=CHG-2026-000001",
        "/app/evidence/grants/1", "/app/evidence/revocations/RV-2026-000001", "/app/evidence/campaigns/CERT-2026-00001",
        "/app/evidence/continuity/DR-2026-00001"}) {
      var page = rachel.get(path);
      assertThat(page.status()).as(path).isEqualTo(403);
      assertThat(page.body()).as(path).contains("You may not open this page").doesNotContain("Population of");
    }
    var audrey = WebSession.signedIn(port, "audrey");
    assertThat(audrey.get("/app/evidence").status()).isEqualTo(200);
  }

  @Test
  void anAuditorFindsAChangeReadsItsEvidenceAndDownloadsItsPackAndTheListsCsv() throws Exception {
    String change = submitChange(61);
    assertThat(Http.as(port, "carlos").get("/api/changes/" + change).status()).isEqualTo(200); // recorded as change.read
    try (var browser = Browser.start()) {
      var driver = browser.driver();
      var wait = new WebDriverWait(driver, Duration.ofSeconds(60));
      browser.login(port, "audrey", Http.DEMO_PASSWORD);
      driver.findElement(By.id("nav-evidence")).click();
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("evidence-search")));
      driver.findElement(By.id("q")).sendKeys(change);
      driver.findElement(By.id("search")).click();
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.linkText(change))).click();

      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("change-title")));
      assertThat(driver.findElement(By.id("change-title")).getText()).contains(change, "Raise posting limit");
      assertThat(browser.text()).contains("Request", "Criticality rule", "Decisions", "Deployments", "Audit events",
          "change.request", "rachel");
      // *.read events are folded away: the API's read of the change is there, but not among the shown events
      assertThat(driver.findElements(By.cssSelector("tr.event")).stream().map(e -> e.getText()))
          .noneMatch(text -> text.contains("change.read"));
      var reads = driver.findElement(By.id("read-events"));
      assertThat(reads.getAttribute("open")).isNull();
      assertThat(reads.findElement(By.tagName("summary")).getText()).contains("reads of the evidence");
      // a requester's link is only a link when it is http(s): a javascript: one is shown as text
      assertThat(driver.findElements(By.cssSelector("a.evidence-link"))).hasSize(1);
      assertThat(driver.findElements(By.cssSelector("a[href^='javascript']"))).isEmpty();
      assertThat(browser.text()).contains("javascript:alert(document.cookie)");
      browser.screenshot("evidence-change.png");

      driver.findElement(By.id("pack-seed")).sendKeys("424242");
      driver.findElement(By.id("create-pack")).click();
      var download = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("download-pack")));
      assertThat(driver.findElement(By.id("pack-seed")).getText()).isEqualTo("424242");
      byte[] zip = fetch(browser, download.getAttribute("href")).body();
      assertThat(zip.length).isGreaterThan(100);
      assertThat(new String(zip, 0, 2, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PK");

      // a long list pages with htmx: the next page replaces the results only, and its address is the page's own
      browser.open(port, "/app/evidence?kind=audit", "rows");
      assertThat(driver.findElement(By.id("pager-status")).getText()).startsWith("Rows 1 to 50 of ");
      var heading = driver.findElement(By.id("results-title"));
      driver.findElement(By.id("next-page")).click();
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("pager-status"), "Rows 51 to "));
      assertThat(heading.isDisplayed()).as("the page around the results stays").isTrue();
      assertThat(driver.getCurrentUrl()).contains("offset=50");

      browser.open(port, "/app/evidence?kind=changes&q=" + change, "export-csv");
      var csv = fetch(browser, driver.findElement(By.id("export-csv")).getAttribute("href"));
      assertThat(csv.statusCode()).isEqualTo(200);
      assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
      String text = new String(csv.body(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(text).startsWith("id,title,system_id").contains(change);
    }
  }

  @Test
  void anAccessRequestIsFoundInItsControlsPopulationAndItsPageShowsTheRequestAndItsTrail() {
    // an entitlement no other test asks for: the shared context refuses a second open request for the same one
    var requested = Http.as(port, "rachel").post("/api/access/requests", Http.json(java.util.Map.of(
        "entitlements", java.util.List.of("AP-PAY/AR_CLERK"), "justification", "Cover customer master data on leave")));
    assertThat(requested.status()).as(requested.toString()).isEqualTo(201);
    String id = requested.json().get("id").asText();
    var audrey = WebSession.signedIn(port, "audrey");
    var found = audrey.get("/app/evidence?kind=access-requests&q=" + id);
    assertThat(found.status()).isEqualTo(200);
    String link = "/app/evidence/records?id=" + id;
    assertThat(found.body()).contains("Access requests (AC-01): 1 found", "href=\"" + link + "\"");
    var record = audrey.get(link);
    assertThat(record.status()).as(record.body()).isEqualTo(200);
    assertThat(record.body()).contains("Access request", "Cover customer master data on leave", "AP-PAY / AR_CLERK",
        "access.request.submit");
    // the page's own read is recorded and, on the next visit, folded away with the other reads
    assertThat(audrey.get(link).body()).contains("reads of the evidence (*.read), folded away");
    assertThat(audrey.get("/app/evidence/records?id=NO-SUCH-RECORD").status()).isEqualTo(404);
  }

  /** Reads a link as the browser's session: its cookie, no other credential. */
  private HttpResponse<byte[]> fetch(Browser browser, String href) throws Exception {
    String cookie = browser.driver().manage().getCookies().stream().map(c -> c.getName() + "=" + c.getValue())
        .reduce((a, b) -> a + "; " + b).orElseThrow();
    var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(href)).header("Cookie", cookie)
        .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).as(href).isEqualTo(200);
    return response;
  }

  private String submitChange(int saturday) {
    var body = ChangeRequests.body("normal", "ERP-GL", null, ChangeRequests.plannedSaturday(saturday));
    body.put("testEvidenceLinks", java.util.List.of("https://ci.example.com/runs/4711", "javascript:alert(document.cookie)"));
    var submitted = Http.as(port, "rachel").post("/api/changes", Http.json(body));
    assertThat(submitted.status()).as(submitted.toString()).isEqualTo(201);
    return submitted.json().get("id").asText();
  }
}
