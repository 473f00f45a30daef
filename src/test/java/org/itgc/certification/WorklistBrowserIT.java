package org.itgc.certification;

import static org.assertj.core.api.Assertions.assertThat;

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
 * Headless Chromium.
 */
@IntegrationTest
class WorklistBrowserIT {

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;

  @Test
  void aReviewerCertifiesHisItemsInBulkFromTheWorklistPage() throws Exception {
    var started = Http.as(port, "grace").post("/api/certifications", Http.json(Map.of("name", "BI review",
        "systems", List.of("BI-REPORTING"))));
    assertThat(started.status()).as(started.toString()).isEqualTo(202);
    String id = started.json().get("id").asText();
    Browser.waitFor(() -> "open".equals(jdbc.queryForObject("select status from cert_campaign where id = ?", String.class, id)));
    int mine = jdbc.queryForObject("select count(*) from cert_item where campaign_id = ? and reviewer = 'lucas'", Integer.class, id);
    assertThat(mine).isPositive();
    String url = jdbc.queryForObject("select text_ from act_ru_variable where proc_inst_id_ = (select process_instance_id "
        + "from cert_campaign where id = ?) and name_ = 'worklistUrl'", String.class, id);
    assertThat(url).endsWith("/certification/worklist.html?campaign=" + id);

    try (var browser = Browser.start()) {
      ChromeDriver driver = browser.driver();
      var wait = new WebDriverWait(driver, Duration.ofSeconds(30));
      browser.loginToTasklist(port, "lucas", Http.DEMO_PASSWORD);
      driver.get("http://localhost:" + port + "/certification/worklist.html?campaign=" + id);
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("counts"), "0 of " + mine + " decided"));
      assertThat(driver.findElements(By.cssSelector("#items tr"))).hasSize(mine);
      driver.findElement(By.id("filter-system")).sendKeys("BI-REPORTING");
      driver.findElement(By.id("apply-filters")).click();
      wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#items tr"), mine));

      driver.findElement(By.id("select-page")).click();
      driver.findElement(By.id("revoke-selected")).click();
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "reason: is required to revoke"));
      assertThat(jdbc.queryForObject("select count(decision) from cert_item where campaign_id = ?", Integer.class, id)).isZero();

      driver.findElement(By.id("certify-selected")).click();
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), mine + " item(s): certify"));
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("counts"), mine + " of " + mine + " decided"));
      browser.screenshot("browser-worklist-certified.png");
    }
    assertThat(jdbc.queryForObject("select count(*) from cert_item where campaign_id = ? and reviewer = 'lucas' "
        + "and decision = 'certify' and decided_by = 'lucas'", Integer.class, id)).isEqualTo(mine);
    assertThat(jdbc.queryForObject("select count(decision) from cert_item where campaign_id = ? and reviewer <> 'lucas'",
        Integer.class, id)).isZero();
  }
}
