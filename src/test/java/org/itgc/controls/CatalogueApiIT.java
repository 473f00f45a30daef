package org.itgc.controls;

import static org.assertj.core.api.Assertions.assertThat;

import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/** The controls catalogue and the systems inventory, read from config/, through the API and in the database. */
@IntegrationTest
class CatalogueApiIT {

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;

  @Test
  void theControlsCatalogueListsEveryControlWithItsCosoAndNistMapping() {
    var controls = Http.as(port, "audrey").get("/api/controls").json();
    assertThat(controls.size()).isGreaterThanOrEqualTo(15);
    var cm01 = Http.as(port, "audrey").get("/api/controls/CM-01").json();
    assertThat(cm01.get("control").get("coso").toString()).contains("11");
    assertThat(cm01.get("control").get("nist").get(0).asText()).isEqualTo("CM-3");
    assertThat(cm01.get("processes").get(0).get("key").asText()).isEqualTo("change-request");
  }

  @Test
  void systemsAreReadableThroughTheApiAndJoinableInTheDatabase() {
    var system = Http.as(port, "rachel").get("/api/systems/ERP-GL").json();
    assertThat(system.get("tier").asText()).isEqualTo("tier1");
    assertThat(system.get("rto").asText()).isEqualTo("PT4H");
    assertThat(jdbc.queryForObject("select rto_seconds from itgc_system where id = 'ERP-GL'", Long.class))
        .isEqualTo(4 * 3600);
    assertThat(jdbc.queryForObject("select count(*) from itgc_system where active", Integer.class))
        .isEqualTo(Http.as(port, "rachel").get("/api/systems").json().size());
  }

  @Test
  void anUnknownIdIs404ProblemJson() {
    var response = Http.as(port, "rachel").get("/api/systems/NOPE");
    assertThat(response.status()).isEqualTo(404);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.json().get("detail").asText()).contains("NOPE");
  }
}
