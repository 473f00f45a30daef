package org.itgc.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.itgc.support.ChangeLoad;
import org.itgc.support.Http;
import org.itgc.support.Node;
import org.itgc.support.TestMailServer;
import org.junit.jupiter.api.Test;

/**
 * Fault suite: the demo's JVM is killed (SIGKILL) while requesters submit changes. The next start on the same data
 * folder works the first time (the PostgreSQL server the dead JVM left running is stopped first), every change that
 * was acknowledged (201) is there, the audit chain verifies, and an orderly stop (SIGTERM) ends the engine and then
 * its database within seconds.
 */
class EngineKillOwnContextIT {

  @Test
  void killedMidLoadTheDemoStartsAgainAtOnceWithEveryAcknowledgedChange() throws Exception {
    Path data = Files.createTempDirectory(Path.of("target"), "engine-kill-it-").toAbsolutePath();
    List<String> settings = List.of("--spring.profiles.active=demo,test",
        "--itgc.embedded-postgres.data-directory=" + data.resolve("postgres"),
        "--itgc.embedded-postgres.clean=false",
        "--itgc.embedded-postgres.durable=true",
        "--itgc.audit.checkpoint-folder=" + data.resolve("checkpoints"),
        "--itgc.audit.archive-folder=" + data.resolve("archive"),
        "--itgc.security.mfa-key-file=" + data.resolve("keys/mfa-key"),
        "--itgc.audit.signing-key-file=" + data.resolve("keys/signing-key.pem"),
        "--spring.mail.port=" + TestMailServer.port());
    List<ChangeLoad.Acknowledged> acknowledged;
    try (Node first = Node.start("engine-kill-first", settings).awaitUp(Duration.ofMinutes(4))) {
      long postmaster = postmaster(data);
      try (var load = new ChangeLoad(3, "rachel", () -> new int[] {first.port()})) {
        load.awaitAcknowledged(30, Duration.ofMinutes(2));
        first.kill();
        Thread.sleep(500); // requests in flight end with the connection
        load.close();
        acknowledged = load.acknowledged();
        System.out.printf("ENGINE-KILL %d changes acknowledged before SIGKILL; answers %s%n", acknowledged.size(),
            load.statuses());
        assertThat(load.unexpected()).as("only 201, or no answer once the JVM is gone").isEmpty();
      }
      assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive)).as("the dead JVM left its database running")
          .contains(true);
    }

    long started = System.nanoTime();
    try (Node second = Node.start("engine-kill-second", settings).awaitUp(Duration.ofMinutes(4))) {
      System.out.printf("ENGINE-KILL first restart after SIGKILL up (health 200) in %d ms%n",
          (System.nanoTime() - started) / 1_000_000);
      assertThat(second.log()).contains("orphan");
      var auditor = Http.as(second.port(), "audrey");
      for (var change : acknowledged) {
        assertThat(auditor.get("/api/changes/" + change.id()).status()).as("acknowledged %s is stored", change.id())
            .isEqualTo(200);
      }
      org.itgc.support.ChainCheck.awaitVerified(auditor);
      var more = Http.as(second.port(), "rachel").post("/api/changes", Http.json(org.itgc.support.ChangeRequests.body(
          "standard", "BI-REPORTING", null, org.itgc.support.ChangeRequests.plannedSaturday(3))));
      assertThat(more.status()).as("new work is taken").isEqualTo(201);

      long postmaster = postmaster(data);
      Duration stop = second.stop(Duration.ofSeconds(30));
      System.out.printf("ENGINE-KILL orderly stop (SIGTERM) of engine and database took %d ms%n", stop.toMillis());
      // pg_ctl returns when the server removed its pid file; the process itself ends a moment later
      long end = System.nanoTime() + 10_000_000_000L;
      while (ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < end) {
        Thread.sleep(50);
      }
      assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false))
          .as("the database stopped with the engine").isFalse();
      assertThat(data.resolve("postgres/postmaster.pid")).as("stopped, not orphaned").doesNotExist();
      assertThat(second.log()).doesNotContain("destroy method failed");
    }
  }

  private static long postmaster(Path data) throws java.io.IOException {
    return Long.parseLong(Files.readAllLines(data.resolve("postgres/postmaster.pid")).get(0).strip());
  }
}
