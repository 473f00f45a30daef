package org.itgc.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A point in time in a request parameter reads the same everywhere: a plain date (its start in the business
 * calendar's zone) or an instant ({@code platform.web.InstantParameters}).
 */
@IntegrationTest
class InstantParametersIT {

  @LocalServerPort int port;

  @Test
  void theDeploymentReconciliationTakesPlainDatesAsWellAsInstants() {
    var audrey = Http.as(port, "audrey");
    var byDates = audrey.get("/api/changes/reconciliation?system=AP-PAY&from=2026-12-01&to=2027-01-01");
    assertThat(byDates.status()).as(byDates.toString()).isEqualTo(200);
    assertThat(byDates.json().isArray()).isTrue();
    var byInstants = audrey.get("/api/changes/reconciliation?system=AP-PAY&from=2026-12-01T05:00:00Z&to=2027-01-01T05:00:00Z");
    assertThat(byInstants.status()).as(byInstants.toString()).isEqualTo(200);
    // a plain date is the start of the day in the business calendar's zone (New York), as forms read it
    assertThat(byInstants.json()).isEqualTo(byDates.json());
    var mixed = audrey.get("/api/changes/reconciliation?system=AP-PAY&from=2026-12-01&to=2026-12-01T05:00:00Z");
    assertThat(mixed.status()).as("from 2026-12-01 is 05:00Z, so to is not after it: " + mixed).isEqualTo(400);
    var nonsense = audrey.get("/api/changes/reconciliation?system=AP-PAY&from=1st%20of%20December&to=2027-01-01");
    assertThat(nonsense.status()).isEqualTo(400);
    assertThat(nonsense.body()).contains("from");
  }
}
