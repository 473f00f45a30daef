package org.itgc.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.itgc.ItgcEngineApplication;
import org.itgc.support.ChangeLoad;
import org.itgc.support.ChangeRequests;
import org.itgc.support.Http;
import org.itgc.support.TestMailServer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;

/**
 * A database outage is reported as one, and the demo recovers by itself: with the embedded PostgreSQL killed, health
 * answers 503 (database DOWN) and the API 503 problem+json with Retry-After (not 401, not 500) within seconds; the
 * engine starts the database again, and what was stored before is still there and new work is taken. Requesters
 * submit changes all along (fault suite): they get 201 or 503, and every change acknowledged with 201 is stored.
 */
class DatabaseOutageOwnContextIT {

  @Test
  void aKilledDatabaseIsAnOutageAndTheDemoStartsItAgain() throws Exception {
    Path data = Files.createTempDirectory(Path.of("target"), "outage-it-");
    try (var context = new SpringApplicationBuilder(ItgcEngineApplication.class).profiles("demo", "test")
        .run("--server.port=0", "--camunda.bpm.process-engine-name=outageIt",
            "--itgc.embedded-postgres.data-directory=" + data,
            // durable as in the demo: a commit is on disk before it is acknowledged (the tests' default is not), so
            // the killed server loses nothing, and the audit trail's published checkpoints still match its chain
            "--itgc.embedded-postgres.durable=true",
            // the watch looks every 15 s here, so that the outage lasts long enough to be observed
            "--itgc.embedded-postgres.watch-interval=PT15S",
            "--spring.mail.port=" + TestMailServer.port())) {
      int port = ((WebServerApplicationContext) context).getWebServer().getPort();
      var rachel = Http.as(port, "rachel");
      var before = rachel.post("/api/changes", Http.json(ChangeRequests.body("standard", "BI-REPORTING", null,
          ChangeRequests.plannedSaturday(500))));
      assertThat(before.status()).as(before.toString()).isEqualTo(201);
      String stored = before.json().get("id").asText();

      var issued = Http.as(port, "sam").post("/api/security/credentials", Http.json(java.util.Map.of("name", "outage scim",
          "scopes", java.util.List.of("scim"), "expiresAt", org.itgc.support.TestClock.now().plus(java.time.Duration.ofDays(30))
              .toString())));
      assertThat(issued.status()).as(issued.toString()).isEqualTo(201);
      String token = issued.json().get("token").asText();

      // requesters keep submitting through the outage
      var load = new ChangeLoad(2, "rachel", () -> new int[] {port});
      load.awaitAcknowledged(10, java.time.Duration.ofMinutes(1));
      long postmaster = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).strip());
      ProcessHandle.of(postmaster).orElseThrow().destroyForcibly();
      long killed = System.nanoTime();

      var health = Http.anonymous(port).get("/actuator/health");
      assertThat(health.status()).as(health.toString()).isEqualTo(503);
      assertThat(health.json().get("status").asText()).isEqualTo("DOWN");
      var refused = rachel.post("/api/changes", Http.json(ChangeRequests.body("standard", "BI-REPORTING", null,
          ChangeRequests.plannedSaturday(501))));
      long answeredAfter = (System.nanoTime() - killed) / 1_000_000;
      assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
      assertThat(refused.contentType()).startsWith("application/problem+json");
      assertThat(refused.header("Retry-After")).isEqualTo("10");
      assertThat(refused.json().get("detail").asText()).contains("database is not reachable");
      System.out.printf("OUTAGE health and API answered 503 within %d ms of the kill%n", answeredAfter);
      // machine clients too: an API credential that cannot be checked, and SCIM with the configured token
      var credential = Http.bearer(port, token).get("/scim/v2/Users");
      assertThat(credential.status()).as(credential.toString()).isEqualTo(503);
      assertThat(credential.header("Retry-After")).isEqualTo("10");
      assertThat(credential.json().get("schemas").get(0).asText()).isEqualTo("urn:ietf:params:scim:api:messages:2.0:Error");
      var scim = Http.bearer(port, "demo-scim-token").get("/scim/v2/Users");
      assertThat(scim.status()).as(scim.toString()).isEqualTo(503);
      assertThat(scim.json().get("status").asText()).isEqualTo("503");

      long until = System.nanoTime() + 120_000_000_000L;
      while (Http.anonymous(port).get("/actuator/health").status() != 200) {
        assertThat(System.nanoTime()).as("the engine started its database again").isLessThan(until);
        Thread.sleep(500);
      }
      System.out.printf("OUTAGE recovered %d ms after the kill%n", (System.nanoTime() - killed) / 1_000_000);
      assertThat(context.getBean(EmbeddedDatabase.class).restarts()).isEqualTo(1);
      // the load goes on by itself after the recovery; every change acknowledged before, during or after is stored
      int acknowledgedAtRecovery = load.acknowledged().size();
      load.awaitAcknowledged(acknowledgedAtRecovery + 10, java.time.Duration.ofMinutes(1));
      load.close();
      System.out.printf("OUTAGE load: answers %s%n", load.statuses());
      assertThat(load.unexpected()).as("only 201 or 503 during the outage").isEmpty();
      assertThat(load.statuses().keySet()).as("every request was answered").doesNotContain(0);
      assertThat(load.statuses().get(503)).as("the load saw the outage").isPositive();
      var auditor = Http.as(port, "audrey");
      for (var change : load.acknowledged()) {
        assertThat(auditor.get("/api/changes/" + change.id()).status()).as("acknowledged %s is stored", change.id())
            .isEqualTo(200);
      }
      org.itgc.support.ChainCheck.awaitVerified(auditor);
      assertThat(Http.as(port, "audrey").get("/api/changes/" + stored).status()).as("nothing stored was lost")
          .isEqualTo(200);
      var after = rachel.post("/api/changes", Http.json(ChangeRequests.body("standard", "BI-REPORTING", null,
          ChangeRequests.plannedSaturday(502))));
      assertThat(after.status()).as(after.toString()).isEqualTo(201);
    }
  }
}
