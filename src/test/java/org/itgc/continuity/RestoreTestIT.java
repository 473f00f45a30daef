package org.itgc.continuity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.itgc.support.DateSensitive;

/** Quarterly backup restore tests over HTTP: a random, re-performable pick, then a judged restore. */
@IntegrationTest
@DateSensitive
class RestoreTestIT {

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;

  private String checksum(int n) {
    return String.format("%064x", 1_000_000L + n);
  }

  private String start(String system, String from, String to) {
    var started = Http.as(port, "sofia").post("/engine-rest/process-definition/key/backup-restore-test/start",
        Http.json(Map.of("variables", Map.of("systemId", Map.of("value", system), "periodFrom", Map.of("value", from),
            "periodTo", Map.of("value", to)))));
    assertThat(started.status()).as(started.toString()).isEqualTo(200);
    return started.json().get("id").asText();
  }

  private JsonNode testOf(String system, String instance) {
    var tests = Http.as(port, "audrey").get("/api/continuity/tests?system=" + system
        + "&from=2020-01-01T00:00:00Z&to=2100-01-01T00:00:00Z").json();
    String id = jdbc.queryForObject("select id from continuity_test where process_instance_id = ?", String.class, instance);
    for (JsonNode test : tests) {
      if (test.get("id").asText().equals(id)) {
        return test;
      }
    }
    throw new AssertionError("no test " + id);
  }

  private Http.Response restore(String instance, String checksum, long rows) {
    return restore(instance, checksum, rows, "2026-08-01T12:00:00Z");
  }

  private Http.Response restore(String instance, String checksum, long rows, String finished) {
    var task = Http.as(port, "sofia").get("/engine-rest/task?processInstanceId=" + instance).json().get(0).get("id").asText();
    Http.as(port, "sofia").post("/engine-rest/task/" + task + "/claim", "{\"userId\":\"sofia\"}");
    Map<String, Object> variables = new HashMap<>();
    variables.put("restoreStarted", Map.of("value", "2026-08-01T10:00:00Z"));
    variables.put("restoreFinished", Map.of("value", finished));
    variables.put("checksumAfterRestore", Map.of("value", checksum));
    variables.put("restoredRowCount", Map.of("value", rows));
    return Http.as(port, "sofia").post("/engine-rest/task/" + task + "/complete", Http.json(Map.of("variables", variables)));
  }

  @Test
  void oneBackupOfThePeriodIsPickedReproduciblyRestoredAndJudged() {
    List<Long> registered = new ArrayList<>();
    for (int day = 1; day <= 3; day++) {
      var created = Http.as(port, "sofia").post("/api/continuity/backups", Http.json(Map.of("systemId", "PAYROLL",
          "takenAt", "2026-07-0" + day + "T12:00:00Z", "location", "vault://payroll/2026-07-0" + day, "sizeBytes", 1000,
          "checksum", checksum(day), "rowCount", 5000)));
      registered.add(created.json().get("id").asLong());
    }
    String instance = start("PAYROLL", "2026-07-01", "2026-07-04");
    JsonNode test = testOf("PAYROLL", instance);
    List<Long> candidates = new ArrayList<>();
    test.get("candidate_backups").forEach(c -> candidates.add(c.asLong()));
    assertThat(candidates).isEqualTo(registered);
    long picked = test.get("backup_id").asLong();
    assertThat(candidates.get(RandomPick.index(test.get("seed").asLong(), candidates.size())))
        .as("an auditor re-performs the pick from the stored seed").isEqualTo(picked);

    var done = restore(instance, test.get("checksum_expected").asText().toUpperCase(), 5000);
    assertThat(done.status()).as(done.toString()).isEqualTo(204);
    JsonNode judged = testOf("PAYROLL", instance);
    assertThat(judged.get("passed").asBoolean()).as(judged.toString()).isTrue();
    assertThat(judged.get("actual_rto_seconds").asLong()).isEqualTo(7200);
  }

  @Test
  void aChecksumMismatchFailsWithABc01ExceptionAndBadInputIs400() {
    Http.as(port, "sofia").post("/api/continuity/backups", Http.json(Map.of("systemId", "AP-PAY",
        "takenAt", "2026-06-10T12:00:00Z", "location", "vault://ap/2026-06-10", "sizeBytes", 1000,
        "checksum", checksum(9), "rowCount", 100)));
    String instance = start("AP-PAY", "2026-06-10", "2026-06-11");
    var backwards = restore(instance, checksum(9), 100);
    assertThat(backwards.status()).isEqualTo(204);
    String id = jdbc.queryForObject("select id from continuity_test where process_instance_id = ?", String.class, instance);
    assertThat(jdbc.queryForObject("select passed from continuity_test where id = ?", Boolean.class, id)).isTrue();

    String second = start("AP-PAY", "2026-06-10", "2026-06-11");
    var notHex = restore(second, "xyz", 100);
    assertThat(notHex.status()).isEqualTo(400);
    assertThat(notHex.body()).contains("checksumAfterRestore");
    var negative = restore(second, checksum(9), 100, "2026-08-01T09:00:00Z");
    assertThat(negative.status()).as("a restore that ends before it starts").isEqualTo(400);
    assertThat(negative.body()).contains("restoreFinished: is before restoreStarted");
    assertThat(restore(second, checksum(8), 100).status()).isEqualTo(204);
    String secondId = jdbc.queryForObject("select id from continuity_test where process_instance_id = ?", String.class, second);
    assertThat(jdbc.queryForObject("select passed from continuity_test where id = ?", Boolean.class, secondId)).isFalse();
    assertThat(jdbc.queryForObject("select control_id from control_exception where object_id = ?", String.class, secondId))
        .isEqualTo("BC-01");
  }

  @Test
  void aSystemWithoutBackupsInThePeriodIsAnExceptionAtOnce() {
    String instance = start("BI-REPORTING", "2020-01-01", "2020-04-01");
    String id = jdbc.queryForObject("select id from continuity_test where process_instance_id = ?", String.class, instance);
    assertThat(jdbc.queryForObject("select notes from continuity_test where id = ?", String.class, id))
        .contains("no backup of BI-REPORTING registered");
    assertThat(jdbc.queryForObject("select control_id from control_exception where object_id = ?", String.class, id))
        .isEqualTo("BC-01");
  }
}
